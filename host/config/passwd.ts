// `quarkmq passwd`: adds, changes or deletes a user in a password file, as mosquitto_passwd does. The password
// comes from a prompt (twice, without echo), from stdin (--stdin) or the command line (-b); the file keeps
// every other line and is replaced atomically with mode 0600.
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { hashPassword } from "./password-hash.ts";
import { editPasswordText, parsePasswordLines, usernameProblem, writeFileAtomically } from "./password-file.ts";
import { scramEntry, ScramPasswordError } from "./scram-credentials.ts";
import { prepareUsername } from "../security/saslprep.ts";

export const passwdUsage = `Usage: quarkmq passwd [-c] [--scram] FILE USER          prompt for the password twice, without echo
       quarkmq passwd [-c] [--scram] --stdin FILE USER  read the password from the first line of stdin
       quarkmq passwd [-c] [--scram] -b FILE USER PASSWORD
       quarkmq passwd -D FILE USER                      delete USER
  -c        create the file (replacing one that exists)
  --scram   store SCRAM-SHA-256 keys (for MQTT 5 enhanced authentication; plain CONNECT passwords work too)
`;

export class PasswdError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

interface PasswdCommand {
  file: string;
  username: string;
  create: boolean;
  remove: boolean;
  scram: boolean;
  source: { kind: "prompt" } | { kind: "stdin" } | { kind: "argument"; password: string };
}

export function parsePasswdArgs(argv: string[]): PasswdCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        c: { type: "boolean", short: "c" }, D: { type: "boolean", short: "D" }, b: { type: "boolean", short: "b" },
        stdin: { type: "boolean" }, scram: { type: "boolean" },
      },
    });
  } catch (error) {
    throw new PasswdError(`${(error as Error).message.split(". ")[0]}\n${passwdUsage}`, 2);
  }
  const { values, positionals } = parsed;
  const usage = (message: string) => new PasswdError(`${message}\n${passwdUsage}`, 2);
  if (values.D && (values.c || values.b || values.stdin || values.scram)) throw usage("-D takes no other option");
  if (values.b && values.stdin) throw usage("-b and --stdin are two ways to give the password; pick one");
  const wanted = values.b ? 3 : 2;
  if (positionals.length !== wanted) throw usage(values.b ? "-b needs FILE USER PASSWORD" : "expected FILE USER");
  const [file, username, password] = positionals as [string, string, string?];
  const problem = usernameProblem(username);
  if (problem) throw new PasswdError(problem, 1);
  if (values.scram === true) {
    // A SCRAM client sends its name SASLprep'd and the broker looks up that form: store only names already in it.
    const prepared = prepareUsername(username);
    if (prepared !== username) {
      throw new PasswdError(prepared === undefined
        ? `user name "${username}" holds a character SASLprep (RFC 4013) prohibits, so SCRAM clients cannot send it`
        : `user name "${username}" is not in SASLprep (RFC 4013) form; SCRAM clients send it as "${prepared}": use that`, 1);
    }
  }
  return {
    file, username, create: values.c === true, remove: values.D === true, scram: values.scram === true,
    source: values.b ? { kind: "argument", password: password! } : values.stdin ? { kind: "stdin" } : { kind: "prompt" },
  };
}

/** Characters typed past the end of a line, kept for the next prompt (a fast typist or a script sends both at once). */
let typedAhead = "";

/** Reads one line typed on the terminal (in raw mode: no echo); Ctrl-C or Ctrl-D aborts. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = "";
    const finish = (error?: PasswdError) => {
      stdin.removeListener("data", onData);
      stdin.pause();
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const take = (text: string): boolean => {
      const chars = [...text];
      for (let i = 0; i < chars.length; i++) {
        const ch = chars[i]!;
        if (ch === "\r" || ch === "\n") {
          typedAhead = chars.slice(i + 1).join("");
          finish();
          return true;
        }
        if (ch === "\u0003" || (ch === "\u0004" && typed === "")) {
          finish(new PasswdError("aborted", 130));
          return true;
        }
        if (ch === "\u007f" || ch === "\b") typed = [...typed].slice(0, -1).join("");
        else if (ch >= " ") typed += ch;
      }
      return false;
    };
    const onData = (chunk: Buffer) => void take(chunk.toString("utf8"));
    stdin.on("data", onData);
    const ahead = typedAhead;
    typedAhead = "";
    if (!take(ahead)) stdin.resume();
  });
}

async function readStdinLine(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes("\n")) break;
  }
  return text.split(/\r?\n/)[0]!;
}

async function readPassword(command: PasswdCommand): Promise<string> {
  if (command.source.kind === "argument") return command.source.password;
  if (command.source.kind === "stdin") return readStdinLine();
  if (!process.stdin.isTTY) throw new PasswdError("stdin is not a terminal: give the password with --stdin or -b", 2);
  process.stdin.setRawMode(true); // before the first prompt, so nothing typed early is echoed
  let first: string, second: string;
  try {
    first = await promptHidden("Password: ");
    second = await promptHidden("Reenter password: ");
  } finally {
    process.stdin.setRawMode(false);
  }
  if (first !== second) throw new PasswdError("passwords do not match", 1);
  return first;
}

/** Runs the command; returns the line to print on success. */
export async function runPasswd(argv: string[]): Promise<string> {
  const command = parsePasswdArgs(argv);
  const { file, username } = command;
  const exists = existsSync(file);
  if (!exists && !command.create) throw new PasswdError(`${file} does not exist; use -c to create it`, 1);
  const text = exists && !command.create ? readFileSync(file, "utf8") : "";
  parsePasswordLines(text, file); // refuse to edit a file the broker could not read
  if (command.remove) {
    const edited = editPasswordText(text, username, undefined);
    if (!edited.found) throw new PasswdError(`user "${username}" is not in ${file}`, 1);
    writeFileAtomically(file, edited.text);
    return `deleted user "${username}" from ${file}`;
  }
  const password = await readPassword(command);
  if (password === "") throw new PasswdError("the password is empty", 1);
  const stored = command.scram
    ? await scramEntry(password).catch((error: unknown) => { throw error instanceof ScramPasswordError ? new PasswdError(error.message, 1) : error; })
    : await hashPassword(password);
  const edited = editPasswordText(text, username, stored);
  writeFileAtomically(file, edited.text);
  return `${edited.found ? "changed" : "added"} user "${username}" in ${file}`;
}
