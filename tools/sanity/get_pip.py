"""Offline stand-in for pip's get-pip.py, which ansible-test downloads from a host unreachable here.

ansible-test bootstraps each sanity virtual environment by running ~/.ansible/test/cache/get_pip_<version>.py
with pip's own install arguments plus get-pip's --no-setuptools / --no-wheel switches. tools/sanity/setup.sh
copies this file there next to the pip wheel of that version (fetched from PyPI), and pip, run from its wheel,
installs itself into the new environment, which is what get-pip.py does with the copy it embeds.
"""
import glob
import os
import sys


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    version = os.path.splitext(os.path.basename(__file__))[0][len('get_pip_'):].replace('_', '.')
    wheels = glob.glob(os.path.join(here, 'pip-%s-*.whl' % version))
    if not wheels:
        sys.exit('get_pip: no pip %s wheel in %s; run tools/sanity/setup.sh' % (version, here))
    sys.path.insert(0, wheels[0])
    from pip._internal.cli.main import main as pip_main

    # get-pip's own switches: pip install knows neither, and not asking for the packages has the same effect.
    args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
    sys.exit(pip_main(['install', '--upgrade', '--force-reinstall'] + args))


if __name__ == '__main__':
    main()
