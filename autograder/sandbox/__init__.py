"""What runs untrusted code: staging a submission, the sandbox, the runner and the worker inside it.

The worker receives inputs and returns plain arrays; nothing it can reach holds an expected value.
"""
