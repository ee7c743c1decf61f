"""What judges a submission, in the trusted grader: cases, checks, the oracle, diagnosis and scoring."""
