import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Import plugins as ansible_collections.alicloud_ops.logging.* (the repo links itself under collections/).
sys.path.insert(0, os.path.join(REPO_ROOT, 'collections'))
sys.path.insert(0, REPO_ROOT)
