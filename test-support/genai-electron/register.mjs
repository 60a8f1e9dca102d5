// `node --import ./register.mjs …`: resolves the bare specifier `electron`
// to the stand-in beside this file, for every importer.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
    const standIn = ${JSON.stringify(new URL('./electron-stand-in.mjs', import.meta.url).href)};
    export async function resolve(specifier, context, next) {
      if (specifier === 'electron') return { url: standIn, shortCircuit: true };
      return next(specifier, context);
    }
  `)}`,
);
