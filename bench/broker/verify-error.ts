// A verification failure (loss, duplicate, corruption, misrouting): the run fails with this message
// instead of printing a throughput.
export class VerifyError extends Error {
  override name = "VerifyError";
}
