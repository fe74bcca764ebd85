import { dirname, join } from 'node:path';
import { GRAPHQL_PATH } from '../common/graphql/graphql.options';

export const GRAPHIQL_ASSETS_PATH = '/graphiql';

export interface GraphiqlAsset {
  file: string;
  contentType: string;
}

function fileOf(pkg: string, path: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), path);
}

/** GraphiQL's UMD build and the React it runs on, served from node_modules: no CDN, no network. */
export const GRAPHIQL_ASSETS: ReadonlyMap<string, GraphiqlAsset> = new Map([
  [
    'react.production.min.js',
    { file: fileOf('react', 'umd/react.production.min.js'), contentType: 'text/javascript' },
  ],
  [
    'react-dom.production.min.js',
    {
      file: fileOf('react-dom', 'umd/react-dom.production.min.js'),
      contentType: 'text/javascript',
    },
  ],
  [
    'graphiql.min.js',
    { file: fileOf('graphiql', 'graphiql.min.js'), contentType: 'text/javascript' },
  ],
  ['graphiql.min.css', { file: fileOf('graphiql', 'graphiql.min.css'), contentType: 'text/css' }],
]);

const DEFAULT_QUERY = `# Switchboard GraphQL API (development mode)
#
# Most operations want a credential: put it in
# Headers below as
#   { "authorization": "Bearer <token>" }
# Subscriptions (graphql-ws, same path) send it
# in their connection_init payload.

query Me {
  me {
    id
    email
    name
  }
}
`;

/** The page a browser gets on GET /graphql outside production. Same-origin URLs only. */
export const GRAPHIQL_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Switchboard GraphiQL</title>
    <style>
      body { margin: 0; height: 100vh; }
      #graphiql { height: 100vh; }
    </style>
    <link rel="stylesheet" href="${GRAPHIQL_ASSETS_PATH}/graphiql.min.css" />
  </head>
  <body>
    <div id="graphiql">Loading…</div>
    <script src="${GRAPHIQL_ASSETS_PATH}/react.production.min.js"></script>
    <script src="${GRAPHIQL_ASSETS_PATH}/react-dom.production.min.js"></script>
    <script src="${GRAPHIQL_ASSETS_PATH}/graphiql.min.js"></script>
    <script>
      const url = new URL(${JSON.stringify(GRAPHQL_PATH)}, window.location.href);
      const fetcher = GraphiQL.createFetcher({
        url: url.href,
        subscriptionUrl: url.href.replace(/^http/, 'ws'),
      });
      ReactDOM.createRoot(document.getElementById('graphiql')).render(
        React.createElement(GraphiQL, {
          fetcher,
          defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
          defaultEditorToolsVisibility: 'headers',
        }),
      );
    </script>
  </body>
</html>
`;
