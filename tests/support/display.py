"""A stand-in for an inventory plugin's `display` that records what the plugin says, by kind (the alicloud_ecs
plugin and the ecs_* helpers call error, warning and vvv)."""


class RecordingDisplay(object):
    def __init__(self):
        self.errors, self.warnings, self.vvvs = [], [], []

    def error(self, text):
        self.errors.append(text)

    def warning(self, text):
        self.warnings.append(text)

    def vvv(self, text):
        self.vvvs.append(text)
