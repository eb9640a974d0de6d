import Testing
@testable import LowRankKernels

@Suite struct MatrixTests {
    @Test func identityProduct() throws {
        let a = try Matrix<Double>([[1, 2], [3, 4]])
        let p = try a * Matrix.identity(2)
        #expect(p == a)
    }
}
