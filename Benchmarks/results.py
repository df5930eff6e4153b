"""Writes a benchmark's report to the terminal and, when asked, into Benchmarks/RESULTS.md.

Every benchmark script prints its report through a `Report`. With `--results PATH` (the Makefile's
`make bench*` targets pass `--results Benchmarks/RESULTS.md`) the run is also recorded in that file:
one section per benchmark, newest run first, each run with its date, the machine (cores, CPU model,
memory, load before the run), the build (git commit, Swift version), the command and its parameters,
the ratios, and the full printed report. Runs of the scripts without `--results` write nothing, so
quick trials with small parameters do not end up next to the real figures.

Only the standard library is used: the scripts run with the system python3.
"""
import datetime
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def add_argument(parser):
    """Adds `--results PATH` to a script's argument parser."""
    parser.add_argument("--results", metavar="PATH",
                        help="also record this run in PATH (make bench* passes Benchmarks/RESULTS.md)")


def _read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _first_line(command):
    try:
        out = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    lines = [line.strip() for line in out.splitlines() if line.strip()]
    return lines[0] if lines else None


def machine():
    """What the figures depend on: cores, CPU model, memory, operating system."""
    cpu = None
    for line in _read("/proc/cpuinfo").splitlines():
        if line.lower().startswith(("model name", "hardware", "cpu model")) and ":" in line:
            cpu = line.split(":", 1)[1].strip()
            break
    memory = None
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            memory = int(line.split()[1]) * 1024  # kB
            break
    system = None
    for line in _read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            system = line.split("=", 1)[1].strip().strip('"')
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count()
    return {
        "cores": os.cpu_count(),
        "usable cores": usable,
        "cpu": cpu or platform.processor() or platform.machine(),
        "memory": f"{memory / 2**30:.1f} GiB" if memory else "unknown",
        "system": f"{system or platform.system()}, kernel {platform.release()}",
    }


def build():
    """The commit the binary was built from (with a mark for uncommitted changes) and the toolchain."""
    commit = _first_line(["git", "rev-parse", "--short", "HEAD"])
    if commit:
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip()
        if dirty:
            commit += " with uncommitted changes"
    swift = _first_line([os.environ.get("SWIFT", "swift"), "--version"])
    # `make build` links the Swift runtime in; a binary from a plain `swift build -c release` loads
    # it as shared libraries and is measurably slower (RESULTS.md, "static Swift runtime").
    binary = os.path.join(ROOT, ".build", "release", "whichtok")
    libraries = subprocess.run(["ldd", binary], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True).stdout if os.path.exists(binary) else ""
    runtime = "Swift runtime shared" if "libswiftCore" in libraries else "Swift runtime linked in"
    return {"commit": commit or "unknown", "swift": f"{swift or 'unknown'}; {runtime}"}


class Report:
    """A benchmark's printed report, kept to be recorded.

    `section` names the benchmark's section in RESULTS.md (the Makefile target, e.g.
    "make bench-har"); `title` is its heading text after that name.
    """

    def __init__(self, section, title):
        self.section = section
        self.title = title
        self.lines = []
        self.ratios = []
        self.started = datetime.datetime.now(datetime.timezone.utc)
        try:
            self.load = os.getloadavg()[0]
        except OSError:
            self.load = None

    def line(self, text=""):
        """Prints one line of the report and keeps it."""
        print(text, flush=True)
        self.lines.append(text)

    def ratio(self, text):
        """Keeps one ratio for the run's summary (it is printed as part of a report line)."""
        self.ratios.append(text)

    def entry(self, parameters):
        """The run as Markdown: a `###` heading, the context as a list, the report as a code block."""
        info = machine()
        made = build()
        command = " ".join(["python3", os.path.relpath(os.path.abspath(sys.argv[0]), ROOT)] + sys.argv[1:])
        settings = ", ".join(f"{key}={value}" for key, value in parameters.items()) or "defaults"
        load = f", load average {self.load:.2f} before the run" if self.load is not None else ""
        out = [
            f"### {self.started:%Y-%m-%d %H:%M} UTC, {info['usable cores']} cores, {info['cpu']}",
            "",
            f"- command: `{self.section}` (`{command}`), parameters: {settings}",
            f"- machine: {info['cores']} cores ({info['usable cores']} usable), {info['cpu']}, "
            f"{info['memory']} memory, {info['system']}{load}",
            f"- build: whichtok at {made['commit']}; {made['swift']}",
        ]
        if self.ratios:
            out.append("- ratios (this run):")
            out += [f"  - {ratio}" for ratio in self.ratios]
        out += ["", "```text"] + self.lines + ["```", ""]
        return out

    def record(self, path, parameters):
        """Adds this run to the file at `path`: in its benchmark's section, before earlier runs."""
        if not path:
            return
        path = os.path.abspath(path)
        entry = self.entry(parameters)
        lines = _read(path).splitlines()
        if not lines:
            lines = ["# Benchmark results", ""]
        heading = f"## `{self.section}`"
        start = next((i for i, line in enumerate(lines) if line.startswith(heading)), None)
        if start is None:
            if lines[-1].strip():
                lines.append("")
            lines += [f"{heading}: {self.title}", ""]
            start = len(lines) - 2
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        at = next((i for i in range(start + 1, end) if lines[i].startswith("### ")), end)
        if at == end and at > 0 and lines[at - 1].strip():
            entry = [""] + entry
        lines[at:at] = entry
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines).rstrip("\n") + "\n")
        print(f"recorded in {os.path.relpath(path, os.getcwd())}", flush=True)



def timed_child(command):
    """Runs a command in a child; returns (wall seconds, the child's own peak memory in MB (its
    ru_maxrss only), stdout, stderr), the outputs as text. Exits with the command's stderr when it
    fails."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stdout = child.stdout.read()
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"failed ({code}): {' '.join(command)}\n{stderr.decode(errors='replace')}")
    return wall, usage.ru_maxrss / 1024, stdout.decode(errors="replace"), stderr.decode(errors="replace")
