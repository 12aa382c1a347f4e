/**
 * Go with Debian's rs/cors (golang-github-rs-cors-dev, built GOPATH-style: no module proxy here) and Rails with
 * rack-cors on Puma, all from Debian's packages. Go: every app is a package of one program (the snippet's file
 * with its package clause renamed to the app's), checked by go vet, built once. Rails: one process per app (a
 * Rails application is a singleton), the snippet as config/initializers/cors.rb, checked by ruby -c.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { API_KEY, type AppPlan, type Driver, type Launched, withoutLines } from './api.ts';
import { launchEach, run, startWithPorts, versionOf, writeFiles } from './procs.ts';

const GOPATH_SYSTEM = '/usr/share/gocode';

/** The user's Go API: a mux behind authentication; the wrong one wraps it in cors.AllowAll() (sends '*'). */
function goApi(pkg: string, plan: AppPlan): string {
  const wrong = plan.variant === 'wrong';
  const file = `package ${pkg}

import (
	"net/http"
${wrong ? '\n\t"github.com/rs/cors"\n' : ''})

// The proof API (test-support/fix-proof/api.ts).
func api() http.Handler {
	mux := http.NewServeMux()
	ok := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(\`{"ok":true}\`))
	}
	mux.HandleFunc("/api/items", ok)
	mux.HandleFunc("/api/private", ok)
	mux.HandleFunc("/api/boom", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	mux.HandleFunc("/api/put-only", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		ok(w, r)
	})
	return mux
}

func authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/private" && r.Header.Get("x-api-key") != "${API_KEY}" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Handler is what the program serves.
func Handler() http.Handler {
	handler := authenticate(api())
	return ${wrong ? 'cors.AllowAll().Handler(handler)' : 'handler'}
}
`;
  if (!plan.fix) return file;
  // As the snippet's \`where\` says: the old wrapping (and its import) deleted, withCORS around the handler.
  return withoutLines(file, /^\t"github\.com\/rs\/cors"$/)
    .replace('cors.AllowAll().Handler(handler)', 'withCORS(handler)')
    .replace(/return handler$/m, 'return withCORS(handler)');
}

export const go: Driver = {
  stack: 'go',
  versions: async () => {
    const version = await versionOf('go', ['version'], /go version go(\S+)/);
    const changelog = '/usr/share/doc/golang-github-rs-cors-dev/changelog.Debian.gz';
    if (!fs.existsSync(path.join(GOPATH_SYSTEM, 'src/github.com/rs/cors/cors.go')))
      throw new Error('golang-github-rs-cors-dev is not installed');
    const rsCors = fs.existsSync(changelog) ? await versionOf('sh', ['-c', `zcat ${changelog} | head -1`], /\(([^)]+)\)/) : '?';
    return `Go ${version}, rs/cors ${rsCors} (Debian)`;
  },
  async launch(apps, dir): Promise<Launched> {
    const packages = apps.map((plan, i) => ({ plan, pkg: `app${i}` }));
    const files: Record<string, string> = {};
    for (const { plan, pkg } of packages) {
      files[`src/proof/${pkg}/api.go`] = goApi(pkg, plan);
      if (plan.fix) files[`src/proof/${pkg}/cors.go`] = plan.fix.code.replace(/^package main$/m, `package ${pkg}`);
    }
    files['src/proof/main.go'] = `package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"

${packages.map(({ pkg }) => `\t"proof/${pkg}"`).join('\n')}
)

func main() {
	handlers := map[string]http.Handler{
${packages.map(({ plan, pkg }) => `\t\t"${plan.key}": ${pkg}.Handler(),`).join('\n')}
	}
	ports := map[string]int{}
	for key, handler := range handlers {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			panic(err)
		}
		ports[key] = listener.Addr().(*net.TCPAddr).Port
		go http.Serve(listener, handler)
	}
	out, _ := json.Marshal(ports)
	fmt.Println("PORTS " + string(out))
	select {}
}
`;
    writeFiles(dir, files);
    const env = {
      ...process.env,
      GOPATH: `${dir}:${GOPATH_SYSTEM}`,
      GO111MODULE: 'off',
      GOFLAGS: '',
      // Kept between runs: the standard library and rs/cors compile once.
      GOCACHE: process.env.GOCACHE ?? path.join(os.tmpdir(), 'cors-lens-go-cache'),
    };
    await run('go', ['vet', 'proof/...'], { cwd: dir, env });
    await run('go', ['build', '-o', path.join(dir, 'proof-server'), 'proof'], { cwd: dir, env });
    const { server, origins } = await startWithPorts(path.join(dir, 'proof-server'), []);
    return { origins, close: () => server.close() };
  },
};

const RAILS_APP = `require "json"
require "action_controller/railtie"
require "rack/cors"
require "puma"

# The proof API (test-support/fix-proof/api.ts): authentication that refuses preflights too.
class ApiKey
  def initialize(app)
    @app = app
  end

  def call(env)
    if env["PATH_INFO"] == "/api/private" && env["HTTP_X_API_KEY"] != "${API_KEY}"
      return [401, { "content-type" => "application/json" }, ['{"ok":false}']]
    end
    @app.call(env)
  end
end

class ProofApp < Rails::Application
  config.root = __dir__
  config.eager_load = false
  config.logger = Logger.new(nil)
  config.secret_key_base = "fix-proof" * 8
  config.hosts.clear
  config.consider_all_requests_local = false
  config.middleware.use ApiKey
end

class ApiController < ActionController::API
  def items
    render json: { ok: true }
  end

  def boom
    raise "boom"
  end
end

ProofApp.initialize!
ProofApp.routes.draw do
  match "/api/items", to: "api#items", via: %i[get post put]
  match "/api/private", to: "api#items", via: %i[get post put]
  get "/api/boom", to: "api#boom"
  put "/api/put-only", to: "api#items"
end

server = Puma::Server.new(ProofApp)
server.add_tcp_listener("127.0.0.1", 0)
puts "PORTS #{JSON.generate({ "app" => server.connected_ports.first })}"
$stdout.flush
server.run.join
`;

/** The initializer users commonly have: every origin, which sends '*'. */
const RAILS_WRONG = `Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    origins '*'
    resource '*', headers: :any, methods: %i[get post put patch delete options head]
  end
end
`;

export const rails: Driver = {
  stack: 'rails',
  versions: async () => {
    const script =
      'require "rails"; require "rack"; require "rack/cors"; require "puma"; puts "Ruby #{RUBY_VERSION}, Rails #{Rails.version}, Rack #{Rack.release}, Puma #{Puma::Const::VERSION}"';
    const gems = await versionOf('ruby', ['-e', script], /^(Ruby .+)$/m);
    const rackCors = await versionOf('dpkg-query', ['-W', `-f=\${Version}`, 'ruby-rack-cors'], /^(\S+)/).catch(() => '?');
    return `${gems}, rack-cors ${rackCors} (Debian)`;
  },
  launch: (apps, dir) =>
    launchEach(apps, dir, async (plan, appDir, track) => {
      // As the snippet's `where` says: it is config/initializers/cors.rb, the whole file.
      const initializer = plan.fix ? `${plan.fix.code}\n` : plan.variant === 'wrong' ? RAILS_WRONG : '';
      writeFiles(appDir, { 'app.rb': RAILS_APP, ...(initializer ? { 'config/initializers/cors.rb': initializer } : {}) });
      await run('ruby', ['-c', path.join(appDir, 'app.rb'), ...(initializer ? [path.join(appDir, 'config/initializers/cors.rb')] : [])]);
      const { server, origins } = await startWithPorts('ruby', ['app.rb'], { cwd: appDir });
      track(server);
      return origins.get('app') as string;
    }),
};
