import Testing
import ControlReduction
import LowRankKernels
import LowRankIO

@Suite struct SystemIOTests {
    @Test(arguments: ["slicot_build", "slicot_CDplayer"])
    func matFileMatchesMatrixMarketModel(model: String) throws {
        // The .mat files were written by SciPy from the same .mtx files (Data/control/mat/README.md).
        let fromMat = try LTISystem.load(path: Models.path("mat/\(model).mat"))
        let fromMtx = try LTISystem.load(path: Models.path(model))
        #expect(fromMat.a.dense == fromMtx.a.dense)
        #expect(fromMat.b == fromMtx.b)
        #expect(fromMat.c == fromMtx.c)
        #expect(fromMat.e == nil)
    }

    @Test func sparseMatVariableStaysSparse() throws {
        let sys = try LTISystem.load(path: Models.path("mat/slicot_build.mat"))
        guard case .sparse = sys.a else { Issue.record("A should load as a sparse matrix"); return }
    }

    @Test func missingVariableNamesFileAndVariable() throws {
        do {
            _ = try LTISystem.load(path: Models.path("mat/missing_C.mat"))
            Issue.record("expected an error")
        } catch let e as MATFile.Error {
            #expect(e == .missingVariable(file: Models.path("mat/missing_C.mat"), name: "C", available: ["A", "B"]))
        }
        #expect(throws: LTISystem.LoadError.self) { try LTISystem.load(path: Models.path("mat/nonexistent.mat")) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Dispatch

extension SystemIOTests {
    /// A FIFO for any of the model files is refused by type, without blocking (a watchdog opens it for writing later,
    /// so a reader wrongly blocking in `open` is released and the test fails instead of hanging).
    @Test func fifoModelFilesAreNotRegularFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lowrank-lti-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifos = [dir + "/A.mtx", dir + "/model.mat"]
        for path in fifos {
            #expect(mkfifo(path, 0o600) == 0)
            for delay in [3.0, 6.0, 12.0] {
                DispatchQueue.global().asyncAfter(deadline: .now() + delay) {
                    let fd = open(path, O_WRONLY | O_NONBLOCK)
                    if fd >= 0 { close(fd) }
                }
            }
        }
        for name in ["B.mtx", "C.mtx"] {
            try "%%MatrixMarket matrix array real general\n1 1\n1\n".write(toFile: dir + "/" + name, atomically: false,
                                                                           encoding: .utf8)
        }
        do { _ = try LTISystem.load(directory: dir); Issue.record("FIFO A.mtx read") } catch {
            #expect("\(error)" == "\(dir)/A.mtx: not a regular file (a FIFO)")
        }
        do { _ = try LTISystem.load(matFile: fifos[1]); Issue.record("FIFO .mat read") } catch {
            #expect("\(error)" == "\(fifos[1]): not a regular file (a FIFO)")
        }
    }
}
