import Testing
import QuantumLowRank

@Suite struct ModuleTests {
    @Test func versionIsSemantic() { #expect(QuantumLowRank.version.split(separator: ".").count == 3) }
}
