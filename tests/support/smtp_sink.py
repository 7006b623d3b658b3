"""A real SMTP server for the reminder tests (aiosmtpd, on loopback).

Each message received is decoded with Python's email package and written as one JSON file
in --dir: envelope sender and recipients, the To/Cc headers, the decoded subject, the plain
and HTML bodies, and each attachment (name, type, size, base64 content). With --die-after N
the process exits right after accepting its Nth message, like a mail server that goes down in
the middle of a run. Attachment bytes are written beside the JSON file, named in "path".
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, die_after):
        self.directory = directory
        self.die_after = die_after
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "to": str(message.get("To", "")),
            "cc": str(message.get("Cc", "")),
            "subject": str(message.get("Subject", "")),
            "text": "",
            "html": "",
            "attachments": [],
        }
        with self.lock:
            if self.die_after and self.count >= self.die_after:
                asyncio.get_event_loop().call_later(0.01, os._exit, 0)
                return "421 Service not available, closing transmission channel"
            self.count += 1
            number = self.count
        path = os.path.join(self.directory, "%06d-%d" % (number, os.getpid()))
        for part in message.walk():
            if part.is_multipart():
                continue
            if part.get_filename():
                payload = part.get_payload(decode=True) or b""
                saved = "%s.attachment%d" % (path, len(record["attachments"]))
                with open(saved, "wb") as f:
                    f.write(payload)
                record["attachments"].append({
                    "name": part.get_filename(),
                    "content_type": part.get_content_type(),
                    "size": len(payload),
                    "path": saved,
                })
            elif part.get_content_type() == "text/plain":
                record["text"] += part.get_content()
            elif part.get_content_type() == "text/html":
                record["html"] += part.get_content()
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.replace(path + ".tmp", path + ".json")
        if self.die_after and number >= self.die_after:
            asyncio.get_event_loop().call_later(0.05, os._exit, 0)
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--die-after", type=int, default=0)
    args = parser.parse_args()
    controller = Controller(Sink(args.dir, args.die_after), hostname="127.0.0.1", port=args.port)
    controller.start()
    print("ready", flush=True)
    try:
        sys.stdin.read()  # until the test closes our stdin or kills us
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
