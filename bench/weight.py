"""Client weight: bytes on the wire, compressed, for a cold load of a page
(HTML, CSS, JS, WASM), as a phone would fetch them. Prints Markdown rows."""
import re
import sys
import urllib.request

base, cookie_resident, cookie_elder, cookie_guard = sys.argv[1:5]


def fetch(path, cookie):
    req = urllib.request.Request(base + path, headers={"Accept-Encoding": "br, gzip", "Cookie": cookie})
    with urllib.request.urlopen(req) as res:
        body = res.read()
        return len(body), body, res.headers.get("Content-Encoding", "identity")


def scripts(roots):
    """The JS modules a page loads: its own, and what they import statically
    (with --split, the main module imports the chunk loader)."""
    seen, todo = set(), list(roots)
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        source = urllib.request.urlopen(base + path).read().decode("utf-8", "replace")
        folder = path.rsplit("/", 1)[0]
        for rel in re.findall(r'from\s*["\']\./([^"\']+\.js)["\']', source):
            todo.append(f"{folder}/{rel}")
    return seen


def page(name, path, cookie):
    html_len, html, enc = fetch(path, cookie)
    text = html.decode("utf-8", "replace") if enc == "identity" else None
    if text is None:
        # ask again uncompressed, only to read the asset links
        req = urllib.request.Request(base + path, headers={"Cookie": cookie})
        text = urllib.request.urlopen(req).read().decode("utf-8", "replace")
    css = sum(fetch(h, "")[0] for h in set(re.findall(r'href="(/pkg/[^"]+\.css)"', text)))
    js = sum(fetch(h, "")[0] for h in scripts(set(re.findall(r'(/pkg/[^"\']+\.js)', text))))
    wasm = sum(fetch(h, "")[0] for h in set(re.findall(r'(/pkg/[^"\']+\.wasm)', text)))
    without = html_len + css
    total = without + js + wasm
    print(f"| {name} | {html_len/1024:.1f} | {css/1024:.1f} | {js/1024:.1f} | {wasm/1024:.1f} | {without/1024:.1f} | {total/1024:.1f} |")


print("| page (cold, compressed, KiB) | HTML | CSS | JS | WASM | usable before WASM (HTML+CSS) | total |")
print("|---|---|---|---|---|---|---|")
page("resident home", "/", cookie_resident)
page("elder help screen", "/", cookie_elder)
page("guard scanner", "/gate", cookie_guard)
