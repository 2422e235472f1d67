"""Not imported as a package: this directory itself is appended to ``sys.path`` by
:func:`grader.compat.install_torchvision`, so that ``import torchvision`` finds the
stand-in here when no real torchvision is installed."""
