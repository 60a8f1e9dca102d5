// ESLint rule `layers/allowed-imports`: a file may import only what its zone's
// allow-list names. Relative imports are resolved to a path from the
// repository root before they are matched, so a rule written for
// `electron/core` holds in `electron/core/a/b/c.ts` just as in
// `electron/core/x.ts`; bare imports are matched by package name, and every
// Node builtin (`fs`, `node:fs`) by the single entry `node:`.
//
// Allow-list entries:
//   'node:'                 any Node builtin
//   'zod', '@scope/pkg'     that package (and its subpaths: 'react-dom/client')
//   'electron/common/**'    anything under a folder, at any depth
//   'electron/core/*/index' a path with `*` for one segment; extensions are ignored
import { builtinModules } from 'node:module';
import path from 'node:path';

const BUILTINS = new Set(builtinModules);

// `*` matches within one path segment, `**` across segments.
function globToRegExp(glob) {
  const esc = (s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const segment = (s) => s.split('*').map(esc).join('[^/]*');
  const body = glob.split('**').map(segment).join('.*');
  return new RegExp(`^${body}$`);
}

const stripExt = (p) => p.replace(/\.(d\.)?(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/, '');

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isBuiltin(spec) {
  return spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0]);
}

/** @param {string} root absolute path of the repository */
export function layersPlugin(root) {
  return {
    rules: {
      'allowed-imports': {
        meta: {
          type: 'problem',
          docs: { description: 'Each folder (zone) imports only what its allow-list names.' },
          schema: [
            {
              type: 'object',
              properties: { zone: { type: 'string' }, may: { type: 'array', items: { type: 'string' } } },
              required: ['zone', 'may'],
              additionalProperties: false,
            },
          ],
        },
        create(context) {
          const { zone, may } = context.options[0];
          const paths = may.filter((m) => m.includes('/') && !m.startsWith('@')).map(globToRegExp);
          const packages = new Set(may.filter((m) => !m.includes('/') || m.startsWith('@')));
          const dir = path.dirname(context.filename);

          const check = (node, spec) => {
            if (typeof spec !== 'string') return;
            let what;
            if (spec.startsWith('.') || spec.startsWith('/')) {
              const rel = path.relative(root, path.resolve(dir, spec)).split(path.sep).join('/');
              if (!rel.startsWith('..') && paths.some((re) => re.test(stripExt(rel)))) return;
              what = rel;
            } else if (isBuiltin(spec)) {
              if (packages.has('node:')) return;
              what = 'a Node builtin';
            } else {
              if (packages.has(packageName(spec))) return;
              what = `package ${packageName(spec)}`;
            }
            context.report({ node, message: `${zone} may not import '${spec}' (${what}); it may import only: ${may.join(', ')}` });
          };
          const fromSource = (node) => node.source && check(node.source, node.source.value);
          return {
            ImportDeclaration: fromSource,
            ExportAllDeclaration: fromSource,
            ExportNamedDeclaration: fromSource,
            ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
            // import('x').Type in a type position
            TSImportType: (node) => {
              const arg = node.argument;
              const lit = arg?.type === 'TSLiteralType' ? arg.literal : arg;
              if (lit?.type === 'Literal') check(lit, lit.value);
            },
          };
        },
      },
    },
  };
}
