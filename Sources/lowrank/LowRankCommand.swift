import ArgumentParser
import LowRankKernels

/// `lowrank`: each library capability as a subcommand; human output by default, `--json` for scripts.
@main
struct LowRankCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lowrank",
        abstract: "Low-rank methods for scientific simulation: compression, model reduction, integrals, tensor trains, latent factors.",
        subcommands: [CompressCommand.self, LyapCommand.self, BTCommand.self, EriCommand.self, DMRGCommand.self, TTCompressCommand.self, CompleteCommand.self, NMFCommand.self, LayersCommand.self, EmbedCommand.self, BenchCommand.self])
}
