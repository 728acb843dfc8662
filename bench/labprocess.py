"""What the lab's Python benchmark scripts share: where the lab is, its JDK, its jar, pinning."""
import os
import shutil
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVERS_JAR = os.path.join(ROOT, "servers", "target", "iolab-servers.jar")


def java():
    """The JDK the build picks (bin/java-home), not whatever java is first on the PATH."""
    home = subprocess.run([os.path.join(ROOT, "bin", "java-home")], check=True,
                          capture_output=True, text=True).stdout.strip()
    return os.path.join(home, "bin", "java")


def pinned(core, command):
    """Runs on one core when taskset exists and there is more than one: server on 0, client on 1."""
    return (["taskset", "-c", str(core)] + command) if shutil.which("taskset") and os.cpu_count() > 1 else command


def variants(jar=SERVERS_JAR, protocol=None, kind=None, loops=None):
    """The servers the lab runs that this machine can, from the jar itself (its `variants` command), so that no script
    keeps a list of its own: an ordered dict of label -> the flags that start it, with `--loops N` for the event-loop
    models when `loops` is given. `protocol` is echo or http; `kind` lab (the four models) or reference."""
    command = [java(), "-jar", jar, "variants", "--available"]
    command += ["--protocol", protocol] if protocol else []
    command += ["--kind", kind] if kind else []
    found = {}
    for line in subprocess.run(command, check=True, capture_output=True, text=True).stdout.splitlines():
        label, _protocols, _kind, flags = line.split("\t")[:4]
        args = flags.split()
        if loops is not None and args[1] in ("nio", "netty"):
            args += ["--loops", str(loops)]
        found[label] = args
    return found
