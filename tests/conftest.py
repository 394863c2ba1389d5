import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Import plugins as ansible_collections.alicloud_ops.logging.* (the repo links itself under collections/).
sys.path.insert(0, os.path.join(REPO_ROOT, 'collections'))
# Test code imports tests.* and tools.* from here. Under `ansible-test units` (tools/sanity/units.sh) this file is
# the copy in the collection tree, so the collection root takes the repo root's place; there is no collections/
# entry and the collection loader finds the plugins instead.
sys.path.insert(0, REPO_ROOT)
