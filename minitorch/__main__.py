"""``python -m minitorch``: print the environment report (minitorch.utils.collect_env)."""

from minitorch.utils import collect_env

if __name__ == "__main__":
    collect_env()
