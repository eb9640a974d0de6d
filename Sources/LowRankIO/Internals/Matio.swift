// The C seam to matio (MATLAB .mat files, versions 4, 5 and 7.3).
import CMatio

enum Matio {
    /// A variable read from a .mat file, converted to Swift storage.
    enum Variable {
        case dense(rows: Int, columns: Int, values: [Double])
        case sparse(rows: Int, columns: Int, columnPointers: [Int], rowIndices: [Int], values: [Double])
    }

    enum Failure: Error {
        case open, missing, unsupported(String)
    }

    /// Reads variable `name` (real double, dense or sparse, rank 2) from `path`.
    static func read(path: String, name: String) throws(Failure) -> Variable {
        guard let mat = Mat_Open(path, Int32(MAT_ACC_RDONLY.rawValue)) else { throw Failure.open }
        defer { Mat_Close(mat) }
        guard let v = Mat_VarRead(mat, name) else { throw Failure.missing }
        defer { Mat_VarFree(v) }
        let m = v.pointee
        guard m.rank == 2, let dims = m.dims else { throw Failure.unsupported("rank \(m.rank), expected a matrix") }
        guard let rows = Int(exactly: dims[0]), let cols = Int(exactly: dims[1]), rows >= 0, cols >= 0,
              case (let count, false) = rows.multipliedReportingOverflow(by: cols) else {
            throw Failure.unsupported("dimensions \(dims[0])×\(dims[1])")
        }
        guard m.isComplex == 0 else { throw Failure.unsupported("complex data") }
        if m.class_type == MAT_C_SPARSE {
            guard let sp = m.data?.assumingMemoryBound(to: mat_sparse_t.self).pointee, sp.data != nil || sp.ndata == 0 else {
                throw Failure.unsupported("empty sparse data")
            }
            guard m.data_type == MAT_T_DOUBLE else { throw Failure.unsupported("sparse data that is not double") }
            let nnz = Int(sp.ndata)
            guard nnz >= 0, cols < Int.max, Int(sp.njc) == cols + 1, sp.jc != nil, Int(sp.nir) >= 0,
                  sp.ir != nil || sp.nir == 0 else { throw Failure.unsupported("inconsistent sparse column pointers") }
            let jc = (0..<(cols + 1)).map { Int(sp.jc[$0]) }
            let ir = (0..<Int(sp.nir)).map { Int(sp.ir[$0]) }
            let data = sp.data.assumingMemoryBound(to: Double.self)
            let values = (0..<nnz).map { data[$0] }
            guard jc.first == 0, jc.last == nnz, ir.count >= nnz, zip(jc, jc.dropFirst()).allSatisfy({ $0 <= $1 }),
                  ir.prefix(nnz).allSatisfy({ $0 >= 0 && $0 < rows }) else {
                throw Failure.unsupported("inconsistent sparse storage")
            }
            return .sparse(rows: rows, columns: cols, columnPointers: jc, rowIndices: Array(ir.prefix(nnz)), values: values)
        }
        guard m.class_type == MAT_C_DOUBLE, m.data_type == MAT_T_DOUBLE, let data = m.data else {
            throw Failure.unsupported("class \(m.class_type.rawValue), only double matrices are read")
        }
        let p = data.assumingMemoryBound(to: Double.self)
        return .dense(rows: rows, columns: cols, values: Array(UnsafeBufferPointer(start: p, count: count)))
    }

    /// Names of the variables stored in `path`.
    static func variableNames(path: String) throws(Failure) -> [String] {
        guard let mat = Mat_Open(path, Int32(MAT_ACC_RDONLY.rawValue)) else { throw Failure.open }
        defer { Mat_Close(mat) }
        var names: [String] = []
        while let v = Mat_VarReadNextInfo(mat) {
            if let n = v.pointee.name { names.append(String(cString: n)) }
            Mat_VarFree(v)
        }
        return names
    }
}
