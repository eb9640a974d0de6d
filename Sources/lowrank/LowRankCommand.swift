import ArgumentParser
import LowRankKernels

@main
struct LowRankCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lowrank",
        abstract: "Low-rank methods for scientific simulation.",
        subcommands: [])
}
