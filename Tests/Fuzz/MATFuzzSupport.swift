// Stand-in for the public MATFile namespace (declared in MATFile.swift with the Matrix-typed API), so that
// scripts/fuzz-mat can compile the validator, the matio seam and MATFile+Load.swift alone.
public enum MATFile {}
