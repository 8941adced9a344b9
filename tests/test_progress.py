import io

from recstack.progress import LogProgress, TerminalProgress, terminal_progress


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_log_lines_when_the_output_is_not_a_terminal():
    stream, clock = io.StringIO(), FakeClock()
    progress = LogProgress(stream, min_interval=1.0, clock=clock)
    with progress.task("Training bpr", total=4) as task:
        for epoch in range(4):
            clock.now += 2.0  # each epoch takes longer than the interval: one line each
            task.report(loss=0.5 / (epoch + 1), val=0.1 * epoch)
            task.advance()
    assert stream.getvalue().splitlines() == [
        "recstack: Training bpr 1/4 loss=0.5 val=0",
        "recstack: Training bpr 2/4 loss=0.25 val=0.1",
        "recstack: Training bpr 3/4 loss=0.1667 val=0.2",
        "recstack: Training bpr 4/4 loss=0.125 val=0.3",
    ]


def test_log_lines_are_rate_limited_and_quick_tasks_stay_silent():
    stream, clock = io.StringIO(), FakeClock()
    progress = LogProgress(stream, min_interval=5.0, clock=clock)
    with progress.task("Evaluating als", total=100) as task:
        for _ in range(100):
            clock.now += 0.5  # 50 seconds in all: a line every 5 seconds, the last at 100
            task.advance()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 10
    assert lines[0] == "recstack: Evaluating als 10/100"
    assert lines[-1] == "recstack: Evaluating als 100/100"
    quiet = io.StringIO()
    with LogProgress(quiet, min_interval=5.0, clock=FakeClock()).task("Quick", 3) as task:
        task.advance(3)
    assert quiet.getvalue() == ""


def test_bars_on_a_terminal_and_lines_elsewhere():
    assert isinstance(terminal_progress(io.StringIO()), LogProgress)
    terminal = Terminal()
    progress = terminal_progress(terminal)
    assert isinstance(progress, TerminalProgress)
    progress.min_seconds = 0
    with progress.task("Fitting", total=2) as task:
        task.advance(2)
    assert "Fitting" in terminal.getvalue() and "recstack:" not in terminal.getvalue()


def test_the_cli_logs_plain_lines_when_stderr_is_not_a_terminal(tmp_path, capsys,
                                                                 monkeypatch):
    from recstack import progress as progress_module
    from recstack.cli import main

    # every step logged, so that the short run below leaves its whole trace
    original = progress_module.LogProgress.__init__

    def eager(self, stream=None, **kwargs):
        original(self, stream, min_interval=0.0)

    monkeypatch.setattr(progress_module.LogProgress, "__init__", eager)
    experiment = tmp_path / "exp.toml"
    experiment.write_text("""
[data]
source = "synthetic:n_users=200,n_items=100,n_interactions=3000"
[split]
method = "random"
[evaluation]
metrics = ["ndcg"]
ks = [10]
[[models]]
type = "most_popular"
[[models]]
type = "als"
factors = 4
iterations = 3
num_threads = 1
""")
    assert main(["evaluate", str(experiment), "--out", str(tmp_path / "res")]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert "recstack: Models 1/2 model=most_popular" in lines
    assert "recstack: Models 2/2 model=als" in lines
    assert any(line.startswith("recstack: Evaluating als ") for line in lines)
    assert all(line.startswith("recstack: ") and "\r" not in line for line in lines)
