"""`loss kernel` driven by jupyter_client as Jupyter front ends drive it: interrupts (message
and SIGINT), badly signed messages, shutdown and restart, execution counts, the heartbeat."""
import json
import signal
import time
from queue import Empty

import zmq
from jupyter_client.session import Session


def run(kc, code, timeout=30):
    """Executes code; returns (reply content, [(msg_type, content)] of the iopub outputs)."""
    outputs = []
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: outputs.append((m["msg_type"], m["content"])))
    return reply["content"], [o for o in outputs if o[0] not in ("status", "execute_input")]


def text_results(outputs):
    return [c["data"]["text/plain"] for t, c in outputs if t == "execute_result"]


def start_cell(kc, code):
    """Sends an execute request and waits until the kernel is busy with it."""
    msg_id = kc.execute(code)
    deadline = time.time() + 15
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=15)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
            return msg_id
    raise AssertionError("the cell did not start")


def reply_to(kc, msg_id, timeout=15):
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]


def test_interrupt_request_stops_the_cell_and_keeps_bindings(kernel):
    km, kc = kernel
    run(kc, "i = 0")
    msg_id = start_cell(kc, "while true { i = i + 1 }")
    time.sleep(0.5)
    t0 = time.time()
    km.interrupt_kernel()          # interrupt_mode "message": interrupt_request on control
    content = reply_to(kc, msg_id)
    assert content["status"] == "error"
    assert content["evalue"] == "interrupted"
    assert time.time() - t0 < 5
    reply, outputs = run(kc, "i > 1000")
    assert reply["status"] == "ok"
    assert text_results(outputs) == ["true"]


def test_sigint_stops_the_cell_like_ctrl_c(kernel):
    km, kc = kernel
    run(kc, "kept = 42")
    msg_id = start_cell(kc, "j = 0\nwhile true { j = j + 1 }\nprint(\"not reached\")")
    time.sleep(0.5)
    km.signal_kernel(signal.SIGINT)
    content = reply_to(kc, msg_id)
    assert content["status"] == "error" and content["evalue"] == "interrupted"
    # SIGINT while idle does nothing, and the next cell is not interrupted
    km.signal_kernel(signal.SIGINT)
    time.sleep(0.3)
    assert km.is_alive()
    reply, outputs = run(kc, "kept + 1")
    assert reply["status"] == "ok" and text_results(outputs) == ["43"]


def raw_shell_socket(km):
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    sock.linger = 0
    info = km.get_connection_info()
    sock.connect(f"{info['transport']}://{info['ip']}:{info['shell_port']}")
    return sock


def test_badly_signed_messages_are_dropped_and_logged(kernel):
    km, kc = kernel
    sock = raw_shell_socket(km)
    forger = Session(key=b"not-the-key", username="mallory")
    msg = forger.msg("execute_request", {"code": "stolen = 99", "silent": False, "store_history": True,
                                         "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    forger.send(sock, msg)
    # the same message with its signature stripped
    unsigned = Session(key=b"", username="mallory")
    unsigned.send(sock, unsigned.msg("execute_request", {"code": "stolen = 98", "silent": False}))
    # right key, tampered content: sign, then change a byte of the content frame
    good = Session(key=km.session.key, username="mallory")
    frames = good.serialize(good.msg("execute_request", {"code": "stolen = 97", "silent": False}))
    frames[-1] = frames[-1].replace(b"97", b"96")
    sock.send_multipart(frames)
    assert sock.poll(2000) == 0, "a badly signed message got an answer"
    reply, outputs = run(kc, "stolen")
    assert reply["status"] == "error"
    assert reply["evalue"] == "unknown name 'stolen'"
    # a correctly signed message on the same socket is answered
    good.send(sock, good.msg("kernel_info_request", {}))
    assert sock.poll(5000) != 0
    sock.close()
    time.sleep(0.2)
    log = km.stderr_path.read_text()
    assert log.count("dropped a message on shell: bad signature") == 3, log


def test_restart_forgets_bindings_and_restarts_counts(kernel):
    km, kc = kernel
    run(kc, "kept = 1")
    reply, _ = run(kc, "kept + 1")
    assert reply["execution_count"] == 2
    old_pid = km.provisioner.pid
    t0 = time.time()
    km.restart_kernel(now=False)    # shutdown_request(restart=True) on control, then a new process
    assert time.time() - t0 < 4, "the kernel did not exit by itself after shutdown_request"
    assert km.provisioner.pid != old_pid
    kc.wait_for_ready(timeout=30)
    reply, outputs = run(kc, "kept")
    assert reply["status"] == "error" and reply["evalue"] == "unknown name 'kept'"
    assert reply["execution_count"] == 1


def test_shutdown_exits_cleanly(kernel):
    km, kc = kernel
    start_cell(kc, "while true {}")    # a running cell does not hold up the shutdown
    kc.shutdown()
    reply = kc.get_control_msg(timeout=10)
    assert reply["msg_type"] == "shutdown_reply" and reply["content"]["restart"] is False
    deadline = time.time() + 5
    while km.is_alive() and time.time() < deadline:
        time.sleep(0.05)
    assert not km.is_alive()
    assert km.provisioner.process.returncode == 0


def test_execution_counts_number_cells_like_the_repl_prompts(kernel):
    km, kc = kernel
    counts = []
    for code in ["a = 1", "a + 1", "?focal", "", "oops", "ans"]:
        reply, outputs = run(kc, code)
        counts.append(reply["execution_count"])
    # help and empty input do not take a number; errors do
    assert counts == [1, 2, 2, 2, 3, 4]
    reply, outputs = run(kc, "ans")
    assert text_results(outputs) == ["2"]    # `ans` is the last displayed value


def test_heartbeat_and_comm_info(kernel):
    km, kc = kernel
    time.sleep(1.5)
    assert kc.hb_channel.is_beating()
    msg_id = kc.comm_info()
    assert reply_to(kc, msg_id) == {"status": "ok", "comms": {}}


def test_outputs_of_one_cell(kernel):
    km, kc = kernel
    reply, outputs = run(kc, 'print("a")\n1 + 1\n#> 2\n[1, 0; 0, 1]\nplot(x -> x, 0, 1)\nmse = 2')
    assert reply["status"] == "ok"
    kinds = [t for t, _ in outputs]
    assert kinds == ["stream", "execute_result", "execute_result", "display_data", "stream"]
    assert outputs[0][1] == {"name": "stdout", "text": "a\n"}
    assert outputs[1][1]["data"] == {"text/plain": "2"}
    assert "<table>" in outputs[2][1]["data"]["text/html"]
    assert outputs[3][1]["data"]["image/svg+xml"].startswith("<svg")
    assert outputs[4][1]["name"] == "stderr" and outputs[4][1]["text"].startswith("warning: ")


def test_kernelspec_is_found_where_it_was_installed():
    import os
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("loss")
    assert spec.resource_dir.startswith(os.environ["JUPYTER_DATA_DIR"])
    assert spec.language == "loss"
    assert spec.interrupt_mode == "message"
    assert spec.argv[1:] == ["kernel", "-f", "{connection_file}"]
    assert os.path.isabs(spec.argv[0]) and os.access(spec.argv[0], os.X_OK)
    for logo in ("logo-32x32.png", "logo-64x64.png"):
        with open(os.path.join(spec.resource_dir, logo), "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
