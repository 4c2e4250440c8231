"""`python -m kernel -f <connection file>`: start the Beleidstaal kernel (what kernel.json runs)."""

from ipykernel.kernelapp import IPKernelApp

from kernel.kernel import BeleidKernel

if __name__ == "__main__":
    IPKernelApp.launch_instance(kernel_class=BeleidKernel)
