/// x·y over k entries with four independent partial sums (the loop vectorizes; the grouping is fixed by k, so the
/// result does not depend on the caller or the thread).
@inline(__always)
func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ k: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var t = 0
    while t + 4 <= k {
        s0 += x[t] * y[t]
        s1 += x[t + 1] * y[t + 1]
        s2 += x[t + 2] * y[t + 2]
        s3 += x[t + 3] * y[t + 3]
        t += 4
    }
    while t < k { s0 += x[t] * y[t]; t += 1 }
    return (s0 + s1) + (s2 + s3)
}
