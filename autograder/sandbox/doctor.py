"""``autograder doctor``: what isolation this machine gives the sandbox, and how to fix what is missing.

:func:`diagnose` looks at every part the sandbox stands on (bubblewrap, user namespaces,
AppArmor's and seccomp's restrictions on them, cgroups, whether the grader runs as root and the
account its workers then run as), then starts a real worker and asks it, from inside, who it is
and what it can reach. Each part comes with the exact commands that fix it. Code that must not
grade without the sandbox (a batch worker on a cluster, before it takes work) calls
:func:`diagnose` and looks at :attr:`Diagnosis.usable`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox import cgroups, privileges
from autograder.sandbox.isolation import NO_SANDBOX_ENV, Limits, Sandbox, SandboxError, bubblewrap_probe

PROBE = '''
import os, socket


def observe():
    """Who the worker is and what it reaches, seen from inside."""
    status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
    try:
        with open("/proc/sys/kernel/core_pattern", "w"):
            sysctl = "writable"
    except OSError:
        sysctl = "read-only"
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
        network = "reachable"
    except OSError:
        network = "none"
    return {"uid": os.getuid(), "gid": os.getgid(), "capabilities": status["CapEff"].strip(), "sysctl": sysctl,
            "network": network, "processes": sum(p.isdigit() for p in os.listdir("/proc")),
            "no_new_privileges": status.get("NoNewPrivs", "?").strip()}
'''
"""The module the end-to-end check runs in a real worker."""


@dataclass(frozen=True)
class Finding:
    """One part of the sandbox: whether it is in place (None: for information), what was found, how to fix it."""

    part: str
    ok: bool | None
    detail: str
    fix: str | None = None


@dataclass(frozen=True)
class Diagnosis:
    """What :func:`diagnose` found.

    Attributes
    ----------
    findings : tuple of Finding
    usable : bool
        Whether submissions are graded in the bubblewrap sandbox, as an unprivileged user.
    description : str
        What every report of a grade on this machine says about its isolation.
    """

    findings: tuple[Finding, ...]
    usable: bool
    description: str

    @property
    def verdict(self) -> str:
        if self.usable:
            return "the sandbox works: submissions run in bubblewrap as an unprivileged user."
        return ("the sandbox cannot be used here: submissions would run NOT sandboxed. Fix the parts marked ✗ "
                "above, then run `autograder doctor` again.")

    def text(self) -> str:
        """The diagnosis as lines for a terminal: each part, its fix, then the verdict."""
        marks = {True: "✓", False: "✗", None: "·"}
        width = max(len(f.part) for f in self.findings)
        lines = ["What isolation this machine gives the sandbox:", ""]
        for finding in self.findings:
            lines.append(f"{marks[finding.ok]} {finding.part:<{width}}  {finding.detail}")
            if finding.fix:
                lines += [f"  {'':<{width}}  fix: {line}" for line in finding.fix.splitlines()]
        lines += ["", f"Reports will say: {self.description}", "", f"Verdict: {self.verdict}"]
        return "\n".join(lines)


def diagnose() -> Diagnosis:
    """Look at every part of the sandbox on this machine and run one worker in it."""
    findings = [_privilege(), *_bubblewrap(), *_namespaces(), _apparmor(), _seccomp(), *_cgroups()]
    try:
        sandbox = Sandbox(Limits(call_seconds=30, submission_seconds=60))
    except SandboxError as error:
        findings.append(Finding("worker", False, str(error)))
        return Diagnosis(tuple(findings), False, "the worker cannot run here")
    seen = _worker(sandbox, findings)
    usable = bool(sandbox.bwrap) and seen is not None and seen.get("uid") != 0 and seen.get("sysctl") == "read-only"
    return Diagnosis(tuple(findings), usable, sandbox.description)


def _privilege() -> Finding:
    if not privileges.running_as_root():
        return Finding("running as root", None, f"no (uid {os.geteuid()}): workers run as this user, in bubblewrap's "
                                                f"user namespace where there is one")
    try:
        ids = privileges.candidate_ids()
    except privileges.PrivilegeError as error:
        return Finding("running as root", False, str(error), f"export {privileges.UIDS_ENV}=2000000000-2000004095")
    if len(ids) == 1:
        return Finding("running as root", None, f"yes: every worker runs as uid {ids.start} (one account shared by "
                                                f"the workers of a batch: this user namespace maps no larger range)",
                       f"export {privileges.UIDS_ENV}=FIRST-LAST   # a range of uids mapped here and used by nobody")
    return Finding("running as root", True, f"yes: every worker runs as an account of its own, uid and gid "
                                            f"{ids.start}-{ids.stop - 1} ({privileges.UIDS_ENV}), never as root")


def _bubblewrap() -> list[Finding]:
    path = shutil.which("bwrap")
    install = "apt-get install -y bubblewrap      # Debian, Ubuntu\ndnf install -y bubblewrap          # Fedora, RHEL"
    if path is None:
        return [Finding("bubblewrap", False, "not installed", install)]
    version = subprocess.run([path, "--version"], capture_output=True, text=True).stdout.strip() or "unknown version"
    help_text = subprocess.run([path, "--help"], capture_output=True, text=True).stdout
    found = [Finding("bubblewrap", True, f"{path}, {version}")]
    missing = [option for option in ("--disable-userns", "--size") if option not in help_text]
    if missing:
        found.append(Finding("bubblewrap version", None, f"{', '.join(missing)} unknown to this bubblewrap (0.8 and "
                                                         f"later): nested user namespaces stay allowed, tmpfs unbounded",
                             "upgrade bubblewrap to 0.8 or later"))
    if os.environ.get(NO_SANDBOX_ENV) == "1":
        found.append(Finding("bubblewrap use", False, f"{NO_SANDBOX_ENV}=1 turns the sandbox off", f"unset {NO_SANDBOX_ENV}"))
    works, said = bubblewrap_probe(path)
    who = "an unprivileged account" if privileges.running_as_root() else "this user"
    found.append(Finding("bubblewrap as " + who, works,
                         "creates its namespaces" if works else f"cannot create its namespaces: {said or 'no message'}",
                         None if works else "see the user namespace, AppArmor and seccomp lines"))
    return found


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def _namespaces() -> list[Finding]:
    found = []
    most = _read("/proc/sys/user/max_user_namespaces")
    if most is not None:
        ok = most.isdigit() and int(most) > 0
        found.append(Finding("user namespaces", ok, f"user.max_user_namespaces = {most}",
                             None if ok else "sysctl -w user.max_user_namespaces=15000\n"
                                             "echo user.max_user_namespaces=15000 > /etc/sysctl.d/90-userns.conf"))
    clone = _read("/proc/sys/kernel/unprivileged_userns_clone")
    if clone is not None:
        found.append(Finding("unprivileged user namespaces", clone == "1", f"kernel.unprivileged_userns_clone = {clone}",
                             None if clone == "1" else "sysctl -w kernel.unprivileged_userns_clone=1\n"
                                                       "echo kernel.unprivileged_userns_clone=1 > "
                                                       "/etc/sysctl.d/90-userns.conf"))
    if not found:
        found.append(Finding("user namespaces", None, "the kernel shows no user namespace settings"))
    return found


APPARMOR_PROFILE = """cat > /etc/apparmor.d/bwrap <<'EOF'
abi <abi/4.0>,
include <tunables/global>
profile bwrap /usr/bin/bwrap flags=(unconfined) {
  userns,
  include if exists <local/bwrap>
}
EOF
apparmor_parser -r /etc/apparmor.d/bwrap"""


def _apparmor() -> Finding:
    restrict = _read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns")
    confined = _read("/proc/self/attr/current") or ""
    if confined and confined != "unconfined":
        return Finding("AppArmor", False if "docker" in confined else None,
                       f"the grader runs confined by the profile {confined}",
                       "docker run --security-opt apparmor=unconfined ...   # in a container" if "docker" in confined
                       else None)
    if restrict == "1":
        return Finding("AppArmor", None, "kernel.apparmor_restrict_unprivileged_userns = 1: unprivileged user "
                                         "namespaces need a profile that allows them (the bubblewrap line says whether "
                                         "bwrap has one)", APPARMOR_PROFILE + "\n# or, for every program:\n"
                                                                              "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0")
    return Finding("AppArmor", None, "no restriction on user namespaces" if restrict is not None else "not in use")


def _seccomp() -> Finding:
    status = _read("/proc/self/status") or ""
    mode = re.search(r"^Seccomp:\s*(\d)", status, re.MULTILINE)
    if mode and mode.group(1) == "2":
        return Finding("seccomp", None, "the grader runs under a seccomp filter (a container's default profile blocks "
                                        "the namespaces bubblewrap needs); bubblewrap adds none of its own",
                       "docker run --security-opt seccomp=unconfined ...   # if the bubblewrap line fails")
    return Finding("seccomp", None, "no filter on the grader; bubblewrap adds none of its own (the user namespace, "
                                    "no capabilities and no network are the isolation)")


def _cgroups() -> list[Finding]:
    found = cgroups.support()
    if found.version:
        detail = f"cgroup v{found.version}: {', '.join(found.controllers)} per worker"
        missing = [c for c in cgroups.CONTROLLERS if c not in found.controllers]
        fix = None
        if missing:
            detail += f"; missing {', '.join(missing)}"
            fix = "\n".join(r for r in found.reasons if "v1" in r) or None
        return [Finding("cgroups", not missing, detail, fix)]
    how = ("run the grader as root (cgroups are created below its own), or delegate a cgroup v2 subtree:\n"
           "systemd-run --scope -p Delegate=yes autograder batch ...")
    return [Finding("cgroups", False, "none usable: " + "; ".join(found.reasons), how)]


def _worker(sandbox: Sandbox, findings: list[Finding]) -> dict | None:
    """Run :data:`PROBE` in a real worker; add what it saw to ``findings``."""
    from autograder.sandbox.runner import Runner
    from autograder.sandbox.staging import Rules, stage

    with tempfile.TemporaryDirectory(prefix="autograder-doctor-") as folder:
        (Path(folder) / "probe.py").write_text(PROBE)
        with stage(Path(folder), Rules(("probe",))) as staged, Runner(staged.path, sandbox) as runner:
            outcome = runner.call("probe", "observe", [])
    if not outcome.ok or not isinstance(outcome.value, dict):
        findings.append(Finding("worker", False, f"a worker could not run: {outcome.problem}",
                                "see the lines above"))
        return None
    seen = outcome.value
    root = seen["uid"] == 0
    findings.append(Finding("worker", not root and seen["sysctl"] == "read-only",
                            f"uid {seen['uid']}, capabilities {seen['capabilities']}, /proc/sys {seen['sysctl']}, "
                            f"network {seen['network']}, {seen['processes']} processes visible, no_new_privs "
                            f"{seen['no_new_privileges']}"))
    return seen
