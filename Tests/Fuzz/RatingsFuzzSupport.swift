// Stand-ins for the LowRankKernels symbols the ratings reader names, so scripts/fuzz-ratings can compile the reader
// alone (-D RATINGS_FUZZ). The fuzzer calls RatingsReader.parse on bytes; it never opens a file.
struct InputFileStandIn: Error { var reason: String { "not available in the fuzzer" } }
enum InputFile {
    static func read(_ path: String) throws(InputFileStandIn) -> [UInt8] { throw InputFileStandIn() }
}
