import Testing
import ControlReduction
import LowRankKernels

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
