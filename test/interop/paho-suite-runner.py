# Runs one test module of the Eclipse Paho interoperability suite (client_test or client_test5, from a
# checkout given on the command line; never copied here) against HOST:PORT and prints one JSON line per
# test: {"module", "test", "outcome": "pass"|"fail"|"error", "detail"}. Used by test/interop/paho-suite.ts.
import json
import os
import signal
import sys
import time
import unittest

suite_dir, module_name, host, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
TEST_TIMEOUT = int(os.environ.get("PAHO_TEST_TIMEOUT", "120"))  # seconds; a hung test fails, the run goes on


class TestTimeout(Exception):
    pass


def on_alarm(signum, frame):
    raise TestTimeout(f"test did not finish within {TEST_TIMEOUT} s")


signal.signal(signal.SIGALRM, on_alarm)
interop = os.path.join(suite_dir, "interoperability")
sys.path.insert(0, interop)
os.chdir(interop)
args = list(sys.argv)
sys.argv = [sys.argv[0]]

module = __import__(module_name)
# What the module's __main__ block would set from its command line.
module.host, module.port = host, port
module.topics = ("TopicA", "TopicA/B", "Topic/C", "TopicA/C", "/TopicA")
module.wildtopics = ("TopicA/+", "+/C", "#", "/#", "/+", "+/+", "TopicA/#")
module.nosubscribe_topics = ("test/nosubscribe",)
module.topic_prefix = "client_test5/"


class JsonResult(unittest.TextTestResult):
    def startTest(self, test):
        self.started = time.time()
        signal.alarm(TEST_TIMEOUT)
        super().startTest(test)

    def stopTest(self, test):
        signal.alarm(0)
        super().stopTest(test)

    def emit(self, test, outcome, detail=""):
        line = {"module": module_name, "test": test.id().split(".")[-1], "outcome": outcome,
                "seconds": round(time.time() - self.started, 2), "detail": detail[-1500:]}
        sys.__stdout__.write("PAHO-RESULT " + json.dumps(line) + "\n")
        sys.__stdout__.flush()

    def addSuccess(self, test):
        super().addSuccess(test)
        self.emit(test, "pass")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.emit(test, "fail", self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        if not hasattr(self, "started"):
            self.started = time.time()
        self.emit(test, "error", self._exc_info_to_string(err, test))


suite = unittest.defaultTestLoader.loadTestsFromModule(module)
only = set(filter(None, (args[5] if len(args) > 5 else "").split(",")))
if only:
    suite = unittest.TestSuite(t for group in suite for t in group if t.id().split(".")[-1] in only)
runner = unittest.TextTestRunner(resultclass=JsonResult, verbosity=0, stream=sys.stderr)
result = runner.run(suite)
sys.exit(0 if result.wasSuccessful() else 1)
