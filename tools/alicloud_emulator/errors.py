"""Error answers in the shape Alibaba Cloud's OpenAPI gateway uses, shared by every emulated product."""
import json
import uuid


def new_request_id():
    return str(uuid.uuid4()).upper()


class ApiError(Exception):
    """An API-level failure; the server turns it into the real error body and HTTP status."""

    def __init__(self, status, code, message, extra=None):
        super().__init__('%s %s: %s' % (status, code, message))
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra or {}

    def body(self, request_id, host_id, product='Ecs'):
        doc = {
            'RequestId': request_id,
            'HostId': host_id,
            'Code': self.code,
            'Message': self.message,
            'Recommend': 'https://api.aliyun.com/troubleshoot?q=%s&product=%s&requestId=%s'
                         % (self.code, product, request_id),
        }
        doc.update(self.extra)
        return json.dumps(doc, separators=(',', ':')).encode('utf-8')


def invalid_parameter(name, value, code=None):
    return ApiError(400, code or 'InvalidParameter',
                    'The specified parameter "%s" is not valid: %r' % (name, value))
