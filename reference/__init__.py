"""The instructors' reference solutions: one module per exercise, as ``../shared/exercise-contract.md`` states them."""
