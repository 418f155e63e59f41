// Swagger UI's files imported `with { type: "file" }` (swagger-ui.css, swagger-ui-bundle.js): each import is the file's path.
declare module "swagger-ui-dist/swagger-ui*" {
  const path: string;
  export = path;
}
