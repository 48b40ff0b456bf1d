// The little of qlobber's API the match benchmark uses (the package ships no types).
declare module "qlobber" {
  export class Qlobber {
    constructor(options: { separator: string; wildcard_one: string; wildcard_some: string });
    add(topic: string, value: unknown): this;
    match(topic: string): unknown[];
  }
  const qlobber: { Qlobber: typeof Qlobber };
  export default qlobber;
}
