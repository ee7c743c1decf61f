"""A sandboxed autograder for numpy implementations of CNN and RNN layers."""

__version__ = "0.1.0"
