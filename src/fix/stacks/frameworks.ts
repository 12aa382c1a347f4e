/**
 * Java, .NET, Go and Ruby. Facts: spring-web CorsConfiguration and DefaultCorsProcessor (allowed methods default to
 * GET and HEAD and are checked on actual requests too; "*" with credentials is rejected per request; Vary on Origin
 * and the request-method headers), Spring Security CorsConfigurer (http.cors uses a corsConfigurationSource bean);
 * aspnetcore CorsService (Vary: Origin only when the policy lists several origins; AllowAnyOrigin with
 * AllowCredentials throws) and CorsMiddleware (headers applied when the response starts); rs/cors cors.go (default
 * every origin, methods checked on actual requests and answered upper-cased, Vary: Origin always); cyu/rack-cors
 * (methods compared in lower case and answered upper-cased, '*' with credentials raises, Vary: Origin added).
 */
import type { Requirements } from '../requirements.ts';
import {
  goString,
  headerList,
  lines,
  methodList,
  PREFLIGHT_MAX_AGE,
  problemNotes,
  q,
  qs,
  rubyString,
  type ServerFix,
  type Stack,
  uppercaseOnly,
} from './common.ts';

function spring(r: Requirements): ServerFix {
  return {
    stack: 'spring',
    label: STACKS_FRAMEWORKS.spring.label,
    language: 'java',
    where: 'A @Configuration class of your Spring Boot app (spring-web).',
    code: lines(
      '@Configuration',
      'public class CorsConfig {',
      '    // Used by Spring Security through http.cors(Customizer.withDefaults()) in your SecurityFilterChain,',
      '    // which answers preflights before authentication. Without Spring Security, also declare',
      '    // @Bean CorsFilter corsFilter(CorsConfigurationSource source) { return new CorsFilter(source); }',
      '    @Bean',
      '    public CorsConfigurationSource corsConfigurationSource() {',
      '        CorsConfiguration config = new CorsConfiguration();',
      `        config.setAllowedOrigins(List.of(${q(r.origin)})); // allowlist: exact origins; adds Vary: Origin`,
      r.credentials && '        config.setAllowCredentials(true);',
      `        config.setAllowedMethods(List.of(${qs(methodList(r))}));`,
      r.headers.length > 0 && `        config.setAllowedHeaders(List.of(${qs(headerList(r))}));`,
      r.preflight && `        config.setMaxAge(${PREFLIGHT_MAX_AGE}L);`,
      '        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();',
      '        source.registerCorsConfiguration("/**", config);',
      '        return source;',
      '    }',
      '}',
    ),
    notes: [
      'Spring checks the method of actual requests too and allows only GET and HEAD by default: keep setAllowedMethods.',
      ...(r.credentials
        ? [
            'A wildcard in setAllowedOrigins together with credentials makes every CORS request fail with a 500 (IllegalArgumentException): list the origins.',
          ]
        : []),
      ...problemNotes(r, {
        'options-rejected':
          'Spring Security rejects preflights with 401/403 unless http.cors(...) is enabled: its CorsFilter then answers them before authentication, and its 401/403 responses carry the headers.',
        'error-without-headers':
          'Let the CorsFilter (or http.cors in Spring Security) set the headers: it runs before your controllers and before authentication, so errors raised after it keep them.',
      }),
    ],
  };
}

function aspnet(r: Requirements): ServerFix {
  return {
    stack: 'aspnet',
    label: STACKS_FRAMEWORKS.aspnet.label,
    language: 'csharp',
    where: 'Program.cs of your ASP.NET Core app.',
    code: lines(
      'builder.Services.AddCors(options => options.AddPolicy("api", policy => policy',
      `    .WithOrigins(${q(r.origin)}) // allowlist: exact origins, no trailing slash`,
      r.credentials && '    .AllowCredentials()',
      r.preflight && `    .WithMethods(${qs(methodList(r))})`,
      r.headers.length > 0 && `    .WithHeaders(${qs(headerList(r))})`,
      r.preflight && `    .SetPreflightMaxAge(TimeSpan.FromSeconds(${PREFLIGHT_MAX_AGE}))`,
      '));',
      '',
      'var app = builder.Build();',
      '',
      '// CorsMiddleware sends Vary: Origin only when the policy lists several origins: add it for caches.',
      'app.Use(async (context, next) =>',
      '{',
      '    context.Response.OnStarting(() =>',
      '    {',
      '        context.Response.Headers.Append("Vary", "Origin");',
      '        return Task.CompletedTask;',
      '    });',
      '    await next(context);',
      '});',
      'app.UseRouting();',
      'app.UseCors("api"); // after UseRouting, before UseAuthentication and UseAuthorization',
      'app.UseAuthentication();',
      'app.UseAuthorization();',
    ),
    notes: [
      ...(r.credentials
        ? ['AllowAnyOrigin() with AllowCredentials() throws, and SetIsOriginAllowed(_ => true) echoes any origin: keep WithOrigins.']
        : []),
      'UseCors writes the headers as the response starts, so 4xx/5xx produced later in the pipeline carry them too.',
      ...problemNotes(r, {
        'options-rejected':
          'UseCors must come before UseAuthentication and UseAuthorization (and after UseRouting), or preflights hit authorization and get 401/403.',
        redirect:
          'Headers cannot fix this redirect: the browser will not follow it. If UseHttpsRedirection or a trailing-slash rule sends it, point the page at the final URL (https, exact path).',
      }),
    ],
  };
}

function go(r: Requirements): ServerFix {
  const field = (name: string, value: string) => `\t\t${`${name}:`.padEnd(18)}${value},`;
  const list = (items: readonly string[]) => `[]string{${items.map(goString).join(', ')}}`;
  return {
    stack: 'go',
    label: STACKS_FRAMEWORKS.go.label,
    language: 'go',
    where:
      'A new file, cors.go, in the package that builds your handler (go get github.com/rs/cors; change package main if it is another), then serve withCORS(yourHandler): e.g. http.ListenAndServe(addr, withCORS(mux)). It replaces any cors.New(...), cors.Default() or cors.AllowAll() wrapping you have: delete that.',
    code: lines(
      'package main',
      '',
      'import (',
      '\t"net/http"',
      '',
      '\t"github.com/rs/cors"',
      ')',
      '',
      '// withCORS wraps your whole handler, outermost: preflights are answered before your authentication',
      '// middleware runs, and every response, errors included, gets the headers. rs/cors adds Vary: Origin.',
      'func withCORS(h http.Handler) http.Handler {',
      '\treturn cors.New(cors.Options{',
      field('AllowedOrigins', list([r.origin])),
      r.credentials && field('AllowCredentials', 'true'),
      field('AllowedMethods', list(methodList(r, { upper: true }))),
      r.headers.length > 0 && field('AllowedHeaders', list(headerList(r))),
      r.preflight && field('MaxAge', String(PREFLIGHT_MAX_AGE)),
      '\t}).Handler(h)',
      '}',
    ),
    notes: [
      'Without AllowedOrigins rs/cors allows every origin: keep the list. It also checks the method of actual requests: keep AllowedMethods.',
      ...problemNotes(r, {
        'options-rejected': 'Wrap the outermost handler with withCORS so preflights are answered before authentication middleware runs.',
        'lowercase-method': uppercaseOnly(
          r,
          'rs/cors compares methods case-insensitively and answers a preflight with the upper-case name (Access-Control-Allow-Methods: PATCH)',
        ),
      }),
    ],
  };
}

function rails(r: Requirements): ServerFix {
  const methods = methodList(r, { upper: true }).map((m) => m.toLowerCase());
  return {
    stack: 'rails',
    label: STACKS_FRAMEWORKS.rails.label,
    language: 'ruby',
    where:
      'config/initializers/cors.rb (gem "rack-cors"): replace the whole file, and delete any other Rack::Cors block (e.g. in config/application.rb).',
    code: lines(
      '# insert_before 0: outermost, so preflights are answered before authentication and errors get the headers.',
      'Rails.application.config.middleware.insert_before 0, Rack::Cors do',
      '  allow do',
      `    origins ${rubyString(r.origin)} # allowlist: exact origins`,
      "    resource '*',",
      `      methods: [${methods.map(rubyString).join(', ')}], # rack-cors compares them in lower case`,
      r.headers.length > 0 && `      headers: [${headerList(r).map(rubyString).join(', ')}],`,
      r.credentials && '      credentials: true,',
      `      max_age: ${PREFLIGHT_MAX_AGE}`,
      '  end',
      'end',
    ),
    notes: [
      ...(r.credentials ? ['rack-cors refuses to boot with a wildcard origin and credentials: true; keep the explicit origin.'] : []),
      'rack-cors adds Vary: Origin to actual responses; it answers preflights itself (200, without Vary, which caches do not need there).',
      ...problemNotes(r, {
        'options-rejected':
          'Keep insert_before 0: below your authentication middleware, preflights would be rejected before rack-cors sees them.',
        'lowercase-method': uppercaseOnly(
          r,
          'rack-cors answers preflights with upper-cased method names (Access-Control-Allow-Methods: PATCH)',
        ),
      }),
    ],
  };
}

export const STACKS_FRAMEWORKS = {
  spring: { label: 'Spring', language: 'java', generate: spring },
  aspnet: { label: 'ASP.NET Core', language: 'csharp', generate: aspnet },
  go: { label: 'Go (rs/cors)', language: 'go', generate: go },
  rails: { label: 'Rails (rack-cors)', language: 'ruby', generate: rails },
} as const satisfies Record<string, Stack>;
