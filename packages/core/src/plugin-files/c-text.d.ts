// C sources and headers imported as text (`with { type: "text" }`), so a bundle or a compiled
// executable carries them (source-tree.ts).
declare module "*.c" {
  const text: string;
  export = text;
}
declare module "*.h" {
  const text: string;
  export = text;
}
