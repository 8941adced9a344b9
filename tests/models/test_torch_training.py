import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")

from recstack.errors import RecstackError  # noqa: E402
from recstack.models.torch_training import TorchTrainer  # noqa: E402


def problem(seed=0):
    """A small regression with dropout, so both the batch order and the RNG matter."""
    g = torch.Generator().manual_seed(123)
    x = torch.randn(256, 8, generator=g)
    y = x @ torch.randn(8, 1, generator=g) + 0.1 * torch.randn(256, 1, generator=g)
    torch.manual_seed(seed)
    module = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.Dropout(0.2),
                                 torch.nn.ReLU(), torch.nn.Linear(16, 1))
    optimizer = torch.optim.Adam(module.parameters(), lr=0.01)

    def batches(epoch, generator):
        order = torch.randperm(256, generator=generator)
        for start in range(0, 256, 32):
            yield order[start:start + 32]

    def loss(m, rows):
        return torch.nn.functional.mse_loss(m(x[rows]), y[rows])

    def validate():
        return -float(torch.nn.functional.mse_loss(module(x), y))

    return module, optimizer, batches, loss, validate


def params(module):
    return torch.cat([p.detach().flatten() for p in module.parameters()])


def test_an_interrupted_run_resumes_exactly(tmp_path):
    module, optimizer, batches, loss, _ = problem()
    TorchTrainer(epochs=6, seed=1).fit(module, optimizer, batches, loss)
    straight = params(module)

    first, opt1, batches1, loss1, _ = problem()
    TorchTrainer(epochs=3, seed=1, checkpoint_dir=tmp_path / "ck").fit(first, opt1, batches1,
                                                                       loss1)
    # a fresh process would rebuild the model from scratch, then resume from the checkpoint
    again, opt2, batches2, loss2, _ = problem(seed=99)
    history = TorchTrainer(epochs=6, seed=1, checkpoint_dir=tmp_path / "ck").fit(
        again, opt2, batches2, loss2)
    assert torch.equal(params(again), straight)
    assert len(history.epochs) == 6


def test_same_seed_same_result_other_seed_differs():
    a = problem()
    TorchTrainer(epochs=2, seed=5).fit(*a[:4])
    b = problem()
    TorchTrainer(epochs=2, seed=5).fit(*b[:4])
    c = problem()
    TorchTrainer(epochs=2, seed=6).fit(*c[:4])
    assert torch.equal(params(a[0]), params(b[0]))
    assert not torch.equal(params(a[0]), params(c[0]))


def test_early_stopping_restores_the_best_epoch():
    module, optimizer, batches, loss, validate = problem()
    # a huge learning rate makes validation get worse after a while
    for group in optimizer.param_groups:
        group["lr"] = 0.5
    history = TorchTrainer(epochs=40, seed=0, patience=2).fit(
        module, optimizer, batches, loss, validate=validate)
    assert history.best_epoch is not None
    with torch.no_grad():
        assert validate() == pytest.approx(history.best_score, abs=1e-6)
    if history.stopped_early:
        assert len(history.epochs) == history.best_epoch + 3


def test_a_checkpoint_from_another_configuration_is_refused(tmp_path):
    module, optimizer, batches, loss, _ = problem()
    TorchTrainer(epochs=1, checkpoint_dir=tmp_path / "ck", config={"factors": 16}).fit(
        module, optimizer, batches, loss)
    with pytest.raises(RecstackError, match="another model configuration.*factors"):
        TorchTrainer(epochs=2, checkpoint_dir=tmp_path / "ck", config={"factors": 32}).fit(
            module, optimizer, batches, loss)


@pytest.mark.parametrize("name", ["mf", "lightgcn"])
def test_the_largest_accepted_learning_rate_diverges_by_name_not_inside_torch(name):
    """Adam's first step is 10 x the rate: a rate of 3.4e38 passed the float32 bound and
    then failed inside torch ("value cannot be converted to type float without overflow")."""
    from recstack.data.synthetic import generate
    from recstack.models import create_model
    from recstack.models.torch_training import MAX_TORCH_STEP

    data = generate(n_users=30, n_items=20, n_interactions=200, seed=0)
    model = create_model(name, learning_rate=MAX_TORCH_STEP * 0.99, epochs=2, batch_size=16,
                         device="cpu")
    with pytest.raises(RecstackError, match=f"{name}: training diverged.*lower the learning"):
        model.fit(data)
