"""The seed's clients against a running iolab HTTP server: http.client and urllib.request.

    python3 python_clients.py PORT    (the server's --root holds hello.txt)
Exits 0 when every check passes; prints what failed otherwise.
"""
import http.client
import sys
import urllib.error
import urllib.parse
import urllib.request

port = int(sys.argv[1])
base = f"http://127.0.0.1:{port}"

# http.client: one keep-alive connection for several requests.
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
conn.request("GET", "/plaintext")
first = conn.getresponse()
assert first.status == 200 and first.read() == b"Hello, World!", "plaintext"
sock = conn.sock
conn.request("GET", "/json")
second = conn.getresponse()
assert second.read() == b'{"message":"Hello, World!"}', "json"
assert conn.sock is sock, "the keep-alive connection was reused"

conn.request("HEAD", "/files/hello.txt")
head = conn.getresponse()
assert head.status == 200 and head.getheader("Content-Length") == "12", "HEAD of a file"
assert head.read() == b"", "HEAD has no body"
assert conn.sock is sock, "still the same connection after HEAD"
conn.close()

# urllib: an urlencoded POST, a 404, a directory listing.
form = urllib.parse.urlencode({"name": "iolab", "q": "a&b c"}).encode()
with urllib.request.urlopen(urllib.request.Request(base + "/echo", data=form), timeout=10) as reply:
    assert reply.read() == form, "POST echo"
    assert reply.headers["Content-Type"] == "application/x-www-form-urlencoded", reply.headers["Content-Type"]

try:
    urllib.request.urlopen(base + "/files/missing.txt", timeout=10)
    raise AssertionError("no 404")
except urllib.error.HTTPError as e:
    assert e.code == 404, e.code

with urllib.request.urlopen(base + "/files/", timeout=10) as listing:
    page = listing.read().decode()
    assert 'href="hello.txt"' in page, page

print("python clients: all checks passed")
