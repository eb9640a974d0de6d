// swift-tools-version:6.1
// LowRank — low-rank methods for scientific simulation.
import PackageDescription

let package = Package(
    name: "LowRank",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "LowRankKernels", targets: ["LowRankKernels"]),
        .library(name: "LowRankSparse", targets: ["LowRankSparse"]),
        .library(name: "LowRankIO", targets: ["LowRankIO"]),
        .library(name: "ControlReduction", targets: ["ControlReduction"]),
        .library(name: "QuantumLowRank", targets: ["QuantumLowRank"]),
        .library(name: "LatentFactors", targets: ["LatentFactors"]),
        .library(name: "LowRankDistributed", targets: ["LowRankDistributed"]),
        .executable(name: "lowrank", targets: ["lowrank"]),
    ],
    // `swift build --traits MPI` builds the distributed paths (OpenMPI: apt libopenmpi-dev openmpi-bin); the default
    // build needs no MPI.
    traits: [.trait(name: "MPI", description: "Distributed ALS and ERI factorization over MPI (OpenMPI) and ScaLAPACK, launched with mpirun")],
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // MARK: Layers (each C library is imported by one seam file in the Internals/ folder of one module;
        // scripts/check-layers proves it and that LowRankKernels alone links none of the others)

        // Dense kernel layer: Matrix, NDArray, factorizations, truncation, randomized SVD, eigensolvers, FFT.
        // Links: OpenBLAS (CBLAS), LAPACKE, FFTW.            apt: libopenblas-dev liblapacke-dev libfftw3-dev
        .target(
            name: "LowRankKernels",
            dependencies: [
                "CBLAS", "CLAPACKE", "CFFTW",
                .product(name: "Numerics", package: "swift-numerics"),
            ]
        ),
        // Sparse storage (CSC) and direct solvers: SparseLU (UMFPACK), SparseCholesky (CHOLMOD), SparseLDLT.
        // Links: the kernel layer's libraries + UMFPACK, CHOLMOD.                     apt: + libsuitesparse-dev
        .target(
            name: "LowRankSparse",
            dependencies: ["LowRankKernels", "CUMFPACK", "CCHOLMOD"]
        ),
        // File formats: Matrix Market (.mtx, dense and sparse), NumPy .npy, MATLAB .mat (matio), gzip (zlib),
        // checked input files and atomic writes.
        // Links: the sparse layer's libraries + matio, zlib.                 apt: + libmatio-dev zlib1g-dev
        .target(
            name: "LowRankIO",
            dependencies: ["LowRankKernels", "LowRankSparse", "CMatio", "CZlib"]
        ),

        // Processes of a run: Communicator (MPI's world with the MPI trait, one process without), used by the domain
        // modules' distributed algorithms. Links nothing without the trait, OpenMPI with it.
        .target(
            name: "LowRankDistributed",
            dependencies: [.target(name: "CMPI", condition: .when(traits: ["MPI"])),
                           .target(name: "CScaLAPACK", condition: .when(traits: ["MPI"]))]
        ),

        // MARK: Domain modules (never importing one another)

        // Uses kernels, sparse (ADI shifted solves), IO (model files); links theirs + SLICOT (DenseLyapunov, SB03OD).
        // apt: kernels' + libsuitesparse-dev libmatio-dev zlib1g-dev libslicot-dev
        .target(
            name: "ControlReduction",
            dependencies: ["LowRankKernels", "LowRankSparse", "LowRankIO", "CSLICOT"]
        ),
        // Uses kernels and IO (FCIDUMP text and gzip, .npy tensors); links what LowRankIO links, no library of its own.
        .target(
            name: "QuantumLowRank",
            dependencies: ["LowRankKernels", "LowRankIO", "LowRankDistributed"]
        ),
        // Uses kernels and IO (ratings files, .npy models); links what LowRankIO links, no library of its own.
        .target(
            name: "LatentFactors",
            dependencies: ["LowRankKernels", "LowRankIO", "LowRankDistributed"]
        ),
        // The CLI: every layer and domain module.
        .executableTarget(
            name: "lowrank",
            dependencies: [
                "LowRankKernels",
                "LowRankIO",
                "ControlReduction",
                "QuantumLowRank",
                "LatentFactors",
                "LowRankDistributed",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: C system libraries (module maps only; no unsafeFlags)
        // Kernel layer
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CLAPACKE", pkgConfig: "lapacke",
                       providers: [.apt(["liblapacke-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3",
                       providers: [.apt(["libfftw3-dev"])]),
        // Sparse layer
        .systemLibrary(name: "CUMFPACK", providers: [.apt(["libsuitesparse-dev"])]),
        .systemLibrary(name: "CCHOLMOD", providers: [.apt(["libsuitesparse-dev"])]),
        // IO layer
        .systemLibrary(name: "CMatio", pkgConfig: "matio", providers: [.apt(["libmatio-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // ControlReduction only
        .systemLibrary(name: "CSLICOT", providers: [.apt(["libslicot-dev"])]),
        // LowRankDistributed, with the MPI trait only
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .systemLibrary(name: "CScaLAPACK", providers: [.apt(["libscalapack-openmpi-dev"])]),

        // MARK: Examples
        .executableTarget(
            name: "Distributed",
            dependencies: ["LatentFactors", "QuantumLowRank", "LowRankDistributed", "LowRankKernels"],
            path: "Examples/Distributed"
        ),
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
            name: "Discovery",
            dependencies: ["LatentFactors", "LowRankKernels", "LowRankIO"],
            path: "Examples/Discovery"
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
            name: "LowRankSparseTests",
            dependencies: ["LowRankSparse", "LowRankKernels"]
        ),
        .testTarget(
            name: "LowRankIOTests",
            dependencies: ["LowRankIO", "LowRankSparse", "LowRankKernels"]
        ),
        .testTarget(
            name: "LowRankCLITests",
            dependencies: ["lowrank"]
        ),
        .testTarget(
            name: "QuantumLowRankTests",
            dependencies: ["QuantumLowRank", "LowRankKernels", "LowRankIO"]
        ),
        .testTarget(
            name: "LatentFactorsTests",
            dependencies: ["LatentFactors", "LowRankKernels", "LowRankIO", "LowRankDistributed"]
        ),
        .testTarget(
            name: "LowRankDistributedTests",
            dependencies: ["LowRankDistributed"]
        ),
        .testTarget(
            name: "ControlReductionTests",
            dependencies: ["ControlReduction", "LowRankKernels", "LowRankIO", "LowRankSparse"]
        ),
    ]
)
