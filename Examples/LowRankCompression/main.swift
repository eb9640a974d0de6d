import LowRankKernels
print("placeholder")
