import { createInterface } from 'node:readline';

export interface PromptStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
}

/**
 * Reads a new password: the first line of stdin when asked for (scripts), else a prompt that does not echo and asks
 * twice, since a typing mistake nobody can see would lock the account's owner out. Rejects when the two differ.
 */
export async function readPassword(
  prompt: string,
  fromStdin: boolean,
  streams: PromptStreams = { input: process.stdin, output: process.stderr },
): Promise<string> {
  const interactive = !fromStdin && streams.input.isTTY === true;
  const rl = createInterface({ input: streams.input, output: interactive ? streams.output : undefined, terminal: interactive });
  // Swallow the echo of typed characters.
  if (interactive) (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  const lines: string[] = [];
  const waiting: { resolve: (line: string) => void; reject: (err: Error) => void }[] = [];
  let closed = false;
  rl.on('line', (line) => {
    const text = line.replace(/\r$/, '');
    const reader = waiting.shift();
    if (reader) reader.resolve(text);
    else lines.push(text);
  });
  rl.once('close', () => {
    closed = true;
    for (const reader of waiting.splice(0)) reader.reject(new Error('no password given'));
  });
  const ask = (question: string): Promise<string> => {
    if (interactive) streams.output.write(question);
    const ready = lines.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (closed) return Promise.reject(new Error('no password given'));
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
  try {
    const password = await ask(prompt);
    if (!interactive) return password;
    streams.output.write('\n');
    const again = await ask('the same password again: ');
    streams.output.write('\n');
    if (again !== password) throw new Error('the two passwords differ; nothing was changed');
    return password;
  } finally {
    rl.close();
  }
}
