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
