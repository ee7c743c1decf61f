"""A conv.py that leaves something behind for another worker, on every channel a process shares.

``plant(token)`` leaves ``token`` in files of the world-writable folders, a System V shared memory
segment and message queue, a key of the user's kernel keyring and an abstract unix socket (kept
listening while the worker lives); ``find(token)`` looks for each from another worker (graded at
the same time, or after) and says what it found.
"""

import ctypes
import os
import socket
import zlib

FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")
IPC_CREAT, SHM_BYTES = 0o1000, 2**20
KEY_SPEC_USER_KEYRING, KEYCTL_SEARCH = -4, 10
SYS_ADD_KEY, SYS_KEYCTL = 248, 250
LISTENING = []


def _libc():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    libc.shmat.restype = ctypes.c_void_p
    return libc


def _key(token):
    return zlib.crc32(token.encode()) & 0x7FFFFFFF


def plant(token):
    libc, done = _libc(), []
    for folder in FOLDERS:
        try:
            with open(os.path.join(folder, token), "w") as file:
                file.write(token)
            done.append(folder)
        except OSError:
            pass
    segment = libc.shmget(_key(token), SHM_BYTES, IPC_CREAT | 0o666)
    if segment >= 0:
        address = libc.shmat(segment, None, 0)
        if address not in (None, ctypes.c_void_p(-1).value):
            ctypes.memset(address, 1, SHM_BYTES)
            done.append("shm")
    if libc.msgget(_key(token), IPC_CREAT | 0o666) >= 0:
        done.append("msg")
    if libc.syscall(SYS_ADD_KEY, b"user", token.encode(), b"x", 1, KEY_SPEC_USER_KEYRING) >= 0:
        done.append("keyring")
    try:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind("\0" + token)
        listener.listen(4)
        LISTENING.append(listener)
        done.append("abstract socket")
    except OSError:
        pass
    return "PLANTED " + ", ".join(done)


def find(token):
    libc, found = _libc(), []
    found += [folder for folder in FOLDERS if os.path.exists(os.path.join(folder, token))]
    if libc.shmget(_key(token), 0, 0) >= 0:
        found.append("shm")
    if libc.msgget(_key(token), 0) >= 0:
        found.append("msg")
    if libc.syscall(SYS_KEYCTL, KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING, b"user", token.encode(), 0) >= 0:
        found.append("keyring")
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(0.5)
            client.connect("\0" + token)
            found.append("abstract socket")
    except OSError:
        pass
    return "FOUND " + ", ".join(found)
