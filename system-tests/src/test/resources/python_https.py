"""The course's HTTPS clients against an iolab server: http.client.HTTPSConnection and urllib.request.urlopen,
with a context that trusts the server's certificate once its SHA-256 fingerprint matches the one the server printed."""
import hashlib
import http.client
import ssl
import sys
import urllib.error
import urllib.request

port, printed = int(sys.argv[1]), sys.argv[2]

pem = ssl.get_server_certificate(("127.0.0.1", port))
fingerprint = ":".join("%02X" % b for b in hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).digest())
assert fingerprint == printed, ("the server presented another certificate", fingerprint, printed)
trusting = ssl.create_default_context(cadata=pem)  # verifies the chain and the host name

connection = http.client.HTTPSConnection("localhost", port, context=trusting, timeout=10)
connection.request("GET", "/plaintext")
response = connection.getresponse()
assert response.status == 200 and response.read() == b"Hello, World!", response.status
connection.request("GET", "/json")  # the same connection, kept alive
response = connection.getresponse()
assert response.status == 200 and b"Hello, World!" in response.read()
connection.close()

with urllib.request.urlopen("https://127.0.0.1:%d/plaintext" % port, context=trusting, timeout=10) as f:
    assert f.read() == b"Hello, World!"

try:
    urllib.request.urlopen("https://127.0.0.1:%d/plaintext" % port, context=ssl.create_default_context(), timeout=10)
    sys.exit("a default context trusted a self-signed certificate")
except urllib.error.URLError as e:
    assert isinstance(e.reason, ssl.SSLCertVerificationError), e
print("ok")
