"""tools/containerbed.sh builds its images from the Debian mirror apt is configured with, and from no other."""
import os
import subprocess

from tests.support.playbook_runner import REPO_ROOT

SCRIPT = os.path.join(REPO_ROOT, 'tools', 'containerbed.sh')


def mirror(tmp_path, sources_list='', sources=None):
    """`containerbed.sh mirror` with apt pointed (through APT_CONFIG, as apt itself allows) at sample sources."""
    etc = tmp_path / 'etc' / 'apt'
    (etc / 'sources.list.d').mkdir(parents=True)
    (etc / 'apt.conf.d').mkdir()
    (etc / 'sources.list').write_text(sources_list)
    for name, text in (sources or {}).items():
        (etc / 'sources.list.d' / name).write_text(text)
    (tmp_path / 'apt.conf').write_text('Dir::Etc "%s";\n' % etc)
    env = dict(os.environ, APT_CONFIG=str(tmp_path / 'apt.conf'))
    return subprocess.run(['bash', SCRIPT, 'mirror'], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=60)


def test_one_line_source_with_options(tmp_path):
    proc = mirror(tmp_path, 'deb http://mirror.internal.example/debian-security bookworm-security main\n'
                            'deb [arch=amd64 signed-by=/k.gpg] http://mirror.internal.example/debian bookworm main\n')
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == 'http://mirror.internal.example/debian'


def test_deb822_skips_disabled_stanzas_and_source_only_types(tmp_path):
    proc = mirror(tmp_path, sources={'debian.sources': (
        'Types: deb-src\nURIs: http://src.example/debian\nSuites: bookworm\n\n'
        'Types: deb\nEnabled: no\nURIs: http://disabled.example/debian\nSuites: bookworm\n\n'
        '# a comment\nTypes: deb deb-src\nURIs: http://other.example/ubuntu http://apt.example/debian/\n'
        'Suites: bookworm\nComponents: main\n')})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == 'http://apt.example/debian/'


def test_deb822_wins_over_one_line_lists(tmp_path):
    proc = mirror(tmp_path, 'deb http://list.example/debian bookworm main\n',
                  {'debian.sources': 'Types: deb\nURIs: http://deb822.example/debian\nSuites: bookworm\n'})
    assert proc.stdout.strip() == 'http://deb822.example/debian'


def test_no_configured_mirror_stops_with_a_clear_message(tmp_path):
    proc = mirror(tmp_path, '# nothing enabled\n',
                  {'disabled.sources': 'Types: deb\nEnabled: no\nURIs: http://x.example/debian\n',
                   'ubuntu.list': 'deb http://archive.example/ubuntu noble main\n'})
    assert proc.returncode == 1
    assert proc.stdout == ''
    assert 'apt has no Debian mirror configured' in proc.stderr
    assert 'configure one for apt' in proc.stderr
    # Never a fallback to a public mirror.
    assert 'deb.debian.org' not in proc.stdout + proc.stderr
    with open(SCRIPT) as handle:
        assert 'deb.debian.org' not in handle.read()
