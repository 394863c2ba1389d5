"""`make test` runs pytest on two pytest-xdist workers (tools/test.sh); tests/conftest.py's scheduling must hold:
a test module runs whole on one worker, and the tests marked `docker` (in any module) all run on one worker.
Run on a sample suite whose conftest takes the repo's hook, each test reporting the worker it ran on."""
import os
import re
import subprocess
import sys
import textwrap

from tests.support.playbook_runner import REPO_ROOT

SAMPLE = textwrap.dedent('''\
    import os
    import time

    import pytest


    def ran(kind, n):
        with open(os.environ['SAMPLE_RAN'], 'a') as handle:  # a worker's output never reaches the controller
            handle.write('RAN %s {module} %s %d\\n' % (os.environ['PYTEST_XDIST_WORKER'], kind, n))


    @pytest.mark.parametrize('n', range(4))
    def test_plain(n):
        time.sleep(0.05)
        ran('plain', n)


    @pytest.mark.docker
    @pytest.mark.parametrize('n', range(2))
    def test_in_a_container(n):
        time.sleep(0.05)
        ran('docker', n)
    ''')


def test_each_module_on_one_worker_and_every_docker_test_on_one_worker(tmp_path):
    (tmp_path / 'pytest.ini').write_text('[pytest]\naddopts = --strict-markers\nmarkers =\n    docker: sample\n')
    (tmp_path / 'conftest.py').write_text('import sys\nsys.path.insert(0, %r)\n'
                                          'from tests.conftest import pytest_collection_modifyitems  # noqa\n'
                                          % REPO_ROOT)
    modules = ['test_sample_%d' % n for n in range(4)]
    for module in modules:
        (tmp_path / (module + '.py')).write_text(SAMPLE.format(module=module))
    record = tmp_path / 'ran.txt'
    proc = subprocess.run([sys.executable, '-m', 'pytest', '-n', '2', '--dist', 'loadgroup', '-p',
                           'no:cacheprovider', str(tmp_path)], cwd=str(tmp_path), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=300,
                          env=dict(os.environ, PYTHONDONTWRITEBYTECODE='1', SAMPLE_RAN=str(record)))
    assert '24 passed' in proc.stdout, proc.stdout[-3000:]
    ran = re.findall(r'RAN (gw\d) (\S+) (plain|docker) (\d)', record.read_text())
    assert len(ran) == 24, record.read_text()
    workers = {}
    for worker, module, kind, _ in ran:
        workers.setdefault(('docker',) if kind == 'docker' else (module,), set()).add(worker)
    assert sorted(workers) == [('docker',)] + [(m,) for m in modules]
    assert all(len(used) == 1 for used in workers.values()), workers
    # Both workers took a share (the groups were spread, not all run on one).
    assert set().union(*workers.values()) == {'gw0', 'gw1'}, workers
