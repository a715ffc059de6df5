"""``python -m training``: the same command as ``recommender train``."""

from recommender.cli.train import train

if __name__ == "__main__":
    train(prog_name="python -m training")
