# The reference figure: libvirt's own Python binding doing the same cycles.
# Run with Debian's /usr/bin/python3 (python3-libvirt loads only there).
import json, sys, threading, time, uuid
import libvirt

libvirt.registerErrorHandler(lambda *a: None, None)
uri, n, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
# "events": as an application that needs lifecycle events runs it (Nova's
# libvirt driver does): libvirt's default event loop on a thread of its
# own, registered before the connection opens, and a lifecycle callback.
with_events = len(sys.argv) > 4 and sys.argv[4] == "events"
if with_events:
    libvirt.virEventRegisterDefaultImpl()
    def loop():
        while True:
            libvirt.virEventRunDefaultImpl()
    threading.Thread(target=loop, daemon=True).start()
conn = libvirt.open(uri)
if with_events:
    conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, lambda *a: None, None)

def xml(u):
    return f"<domain type='test'><name>pyb-{u}</name><uuid>{u}</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>"

def cycle():
    u = str(uuid.uuid4())
    d = conn.defineXML(xml(u))
    d.create()
    d.info()
    d.destroy()
    d.undefine()

def worker(count):
    for _ in range(count):
        cycle()

start = time.perf_counter()
per = n // threads
ts = [threading.Thread(target=worker, args=(per,)) for _ in range(threads)]
for t in ts: t.start()
for t in ts: t.join()
elapsed = time.perf_counter() - start
print(json.dumps({"cycles": per * threads, "seconds": elapsed, "rate": per * threads / elapsed}))
