// swift-tools-version:6.0
// LowRank — low-rank methods for scientific simulation.
import PackageDescription

let package = Package(
    name: "LowRank",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "LowRankKernels", targets: ["LowRankKernels"]),
        .library(name: "ControlReduction", targets: ["ControlReduction"]),
        .library(name: "QuantumLowRank", targets: ["QuantumLowRank"]),
        .library(name: "LatentFactors", targets: ["LatentFactors"]),
        .executable(name: "lowrank", targets: ["lowrank"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // MARK: Public modules
        .target(
            name: "LowRankKernels",
            dependencies: [
                "CBLAS", "CLAPACKE", "CFFTW", "CUMFPACK", "CCHOLMOD", "CSLICOT", "CMatio", "CZlib",
                .product(name: "Numerics", package: "swift-numerics"),
            ]
        ),
        .target(
            name: "ControlReduction",
            dependencies: ["LowRankKernels"]
        ),
        .target(
            name: "QuantumLowRank",
            dependencies: ["LowRankKernels"]
        ),
        .target(
            name: "LatentFactors",
            dependencies: ["LowRankKernels"]
        ),
        .executableTarget(
            name: "lowrank",
            dependencies: [
                "LowRankKernels",
                "ControlReduction",
                "QuantumLowRank",
                "LatentFactors",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: C system libraries (module maps only; no unsafeFlags)
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CLAPACKE", pkgConfig: "lapacke",
                       providers: [.apt(["liblapacke-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3",
                       providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CUMFPACK", providers: [.apt(["libsuitesparse-dev"])]),
        .systemLibrary(name: "CCHOLMOD", providers: [.apt(["libsuitesparse-dev"])]),
        .systemLibrary(name: "CSLICOT", providers: [.apt(["libslicot-dev"])]),
        .systemLibrary(name: "CMatio", pkgConfig: "matio", providers: [.apt(["libmatio-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // MARK: Examples
        .executableTarget(
            name: "LowRankCompression",
            dependencies: ["LowRankKernels"],
            path: "Examples/LowRankCompression"
        ),
        .executableTarget(
            name: "ModelReduction",
            dependencies: ["ControlReduction", "LowRankKernels"],
            path: "Examples/ModelReduction"
        ),
        .executableTarget(
            name: "IntegralCompression",
            dependencies: ["QuantumLowRank", "LowRankKernels"],
            path: "Examples/IntegralCompression"
        ),
        .executableTarget(
            name: "TensorTrainCompression",
            dependencies: ["QuantumLowRank", "LowRankKernels"],
            path: "Examples/TensorTrainCompression"
        ),
        .executableTarget(
            name: "SpinChainGroundStates",
            dependencies: ["QuantumLowRank", "LowRankKernels"],
            path: "Examples/SpinChainGroundStates"
        ),
        .executableTarget(
            name: "Recommendation",
            dependencies: ["LatentFactors", "LowRankKernels"],
            path: "Examples/Recommendation"
        ),
        .executableTarget(
            name: "AbInitioDMRG",
            dependencies: ["QuantumLowRank", "LowRankKernels"],
            path: "Examples/AbInitioDMRG"
        ),

        // MARK: Tests
        .testTarget(
            name: "LowRankKernelsTests",
            dependencies: ["LowRankKernels", .product(name: "Numerics", package: "swift-numerics")]
        ),
        .testTarget(
            name: "LowRankCLITests",
            dependencies: ["lowrank"]
        ),
        .testTarget(
            name: "QuantumLowRankTests",
            dependencies: ["QuantumLowRank", "LowRankKernels"]
        ),
        .testTarget(
            name: "LatentFactorsTests",
            dependencies: ["LatentFactors", "LowRankKernels"]
        ),
        .testTarget(
            name: "ControlReductionTests",
            dependencies: ["ControlReduction", "LowRankKernels"]
        ),
    ]
)
