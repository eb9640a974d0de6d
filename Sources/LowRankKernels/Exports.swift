/// Re-exports swift-numerics so `Complex<Double>` is available to every user of the kernel layer.
@_exported import Numerics
