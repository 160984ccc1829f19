/** Any URL no other route matches: the friendly 404 page (root error boundary). */
export async function loader() {
  throw new Response("Not found", { status: 404, statusText: "Not Found" });
}

export default function NotFound() {
  return null;
}
